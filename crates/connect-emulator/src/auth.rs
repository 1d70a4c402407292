//! SigV4 as the service checks it: the `Authorization` header is parsed, the key looked up, and the
//! request signed again with `aws-sigv4` from what arrived; a mismatch is the service's 403.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

use crate::cli::Key;

/// Who signed a request, once verified.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: String,
    pub region: String,
}

/// Why a request is refused: the service's 403 error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub code: &'static str,
    pub message: String,
}

fn denied(code: &'static str, message: impl Into<String>) -> Denied {
    Denied { code, message: message.into() }
}

const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. \
     Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The parts of `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
struct Parsed<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_header(value: &str) -> Option<Parsed<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?.trim_start();
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',').map(str::trim) {
        let (k, v) = part.split_once('=')?;
        let slot = match k {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(v);
    }
    let scope: Vec<&str> = credential?.split('/').collect();
    match scope[..] {
        [access_key_id, date, region, service, "aws4_request"] => Some(Parsed {
            access_key_id,
            date,
            region,
            service,
            signed_headers: signed?.split(';').collect(),
            signature: signature?,
        }),
        _ => None,
    }
}

/// `20260101T120000Z` as a time.
fn amz_date(text: &str) -> Option<SystemTime> {
    if text.len() != 16 || !text.is_ascii() || &text[8..9] != "T" || !text.ends_with('Z') {
        return None;
    }
    let n = |a: usize, b: usize| text[a..b].parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (n(0, 4)?, n(4, 6)?, n(6, 8)?, n(9, 11)?, n(11, 13)?, n(13, 15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // Civil date to days since 1970-01-01 (the proleptic Gregorian calendar).
    let (y, m) = if mo <= 2 { (y - 1, mo + 12) } else { (y, mo) };
    let days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 719_469;
    let secs = days * 86_400 + h * 3_600 + mi * 60 + s;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// The settings aws-runtime and botocore sign restJson1 requests with.
fn settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.percent_encoding_mode = PercentEncodingMode::Double;
    s.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    s.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
    s.session_token_mode = SessionTokenMode::Include;
    s.signature_location = SignatureLocation::Headers;
    s.excluded_headers = None;
    s
}

/// Checks a request's signature. `headers` have lowercase names, in arrival order.
pub fn verify(
    keys: &[Key],
    signing_name: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Caller, Denied> {
    let values = |name: &'static str| headers.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str());
    let Some(authorization) = values("authorization").next() else {
        return Err(denied("MissingAuthenticationTokenException", "Missing Authentication Token"));
    };
    let Some(auth) = parse_header(authorization) else {
        return Err(denied(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
        ));
    };
    let Some(key) = keys.iter().find(|k| k.access_key_id == auth.access_key_id) else {
        return Err(denied("UnrecognizedClientException", "The security token included in the request is invalid."));
    };
    if auth.service != signing_name {
        return Err(denied(
            "InvalidSignatureException",
            format!("Credential should be scoped to correct service: '{signing_name}'."),
        ));
    }
    let Some(date_text) = values("x-amz-date").next() else {
        return Err(denied(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        ));
    };
    let Some(time) = amz_date(date_text) else {
        return Err(denied(
            "IncompleteSignatureException",
            format!("Date must be in ISO-8601 'basic format'. Got '{date_text}'."),
        ));
    };
    if !date_text.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(denied("InvalidSignatureException", "Credential should be scoped to a valid date."));
    }
    let now = SystemTime::now();
    let skew = now.duration_since(time).or_else(|e| Ok::<_, ()>(e.duration())).unwrap_or_default();
    if skew > Duration::from_secs(15 * 60) {
        return Err(denied(
            "InvalidSignatureException",
            format!("Signature expired: {date_text} is not within 15 minutes of the server's time."),
        ));
    }
    for required in ["host", "x-amz-date"] {
        if !auth.signed_headers.contains(&required) {
            return Err(denied(
                "InvalidSignatureException",
                format!("'{required}' must be a 'SignedHeader' in the AWS Authorization."),
            ));
        }
    }
    let token = values("x-amz-security-token").next().map(str::to_owned);
    let mut signable: Vec<(&str, &str)> = Vec::new();
    for name in &auth.signed_headers {
        if *name == "x-amz-date" || *name == "x-amz-security-token" {
            continue;
        }
        signable.extend(headers.iter().filter(|(n, _)| n == name).map(|(n, v)| (n.as_str(), v.as_str())));
    }
    let identity = Credentials::new(&key.access_key_id, &key.secret, token, None, "connect-emulator").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(auth.region)
        .name(auth.service)
        .time(time)
        .settings(settings())
        .build()
        .map_err(|_| denied("InvalidSignatureException", SIGNATURE_MISMATCH))?
        .into();
    let uri = format!("http://localhost{target}");
    let computed = SignableRequest::new(method, uri, signable.into_iter(), SignableBody::Bytes(body))
        .ok()
        .and_then(|request| sign(request, &params).ok())
        .map(|out| out.signature().to_owned());
    if computed.as_deref() != Some(auth.signature) {
        return Err(denied("InvalidSignatureException", SIGNATURE_MISMATCH));
    }
    Ok(Caller { account: key.account.clone(), region: auth.region.to_owned() })
}

/// The `Authorization` header with its signature replaced, for the request log.
pub fn redact_authorization(value: &str) -> String {
    match value.find("Signature=") {
        Some(at) => format!("{}Signature=REDACTED", &value[..at]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_headers() {
        assert_eq!(amz_date("19700101T000000Z"), Some(UNIX_EPOCH));
        assert_eq!(amz_date("20000301T000000Z"), Some(UNIX_EPOCH + Duration::from_secs(951_868_800)));
        assert_eq!(amz_date("2000-03-01"), None);
        let p = parse_header("AWS4-HMAC-SHA256 Credential=AK/20260101/us-west-2/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc").unwrap();
        assert_eq!((p.access_key_id, p.region, p.service, p.signature), ("AK", "us-west-2", "connect", "abc"));
        assert_eq!(p.signed_headers, ["host", "x-amz-date"]);
        assert!(parse_header("Basic abc").is_none());
        assert_eq!(
            redact_authorization("AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=abc"),
            "AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=REDACTED"
        );
    }
}
