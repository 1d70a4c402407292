//! The SigV4 check, shared with connect-emulator: the `Authorization` header's parts, `X-Amz-Date`,
//! the signer's settings for restJson1, and the signature the server computes for a received
//! request.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

use crate::capture::*;
use crate::server::*;

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The access key id of the credential scope.
    pub access_key_id: &'a str,
    /// The scope's date, `YYYYMMDD`.
    pub date: &'a str,
    /// The scope's region.
    pub region: &'a str,
    /// The scope's signing name.
    pub service: &'a str,
    /// `SignedHeaders`, as listed.
    pub signed_headers: Vec<&'a str>,
    /// The hex signature.
    pub signature: &'a str,
}

/// The parts of an `Authorization` header, or why it is not a SigV4 one.
pub fn parse_authorization(value: &str) -> Result<Authorization<'_>, String> {
    let Some(rest) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(format!("Authorization is not AWS4-HMAC-SHA256: {value:?}"));
    };
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let slot = match part.split_once('=') {
            Some(("Credential", v)) => (&mut credential, v),
            Some(("SignedHeaders", v)) => (&mut signed_headers, v),
            Some(("Signature", v)) => (&mut signature, v),
            _ => return Err(format!("unexpected Authorization component {part:?}")),
        };
        if slot.0.replace(slot.1).is_some() {
            return Err(format!("repeated Authorization component {part:?}"));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(format!("Authorization lacks Credential, SignedHeaders or Signature: {value:?}"));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
        return Err(format!("bad credential scope {credential:?}"));
    };
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

/// `YYYYMMDDTHHMMSSZ` as a time.
pub fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// The signing settings of aws-runtime's SigV4 signer with its default `SigningOptions` (as used
/// for restJson1 services such as Connect): double URI encoding, path normalization, no
/// `x-amz-content-sha256`, session token signed, signature in headers. Only the headers the
/// client listed are given to the signer, so nothing is excluded.
pub fn signing_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Double;
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
    settings.session_token_mode = SessionTokenMode::Include;
    settings.signature_location = SignatureLocation::Headers;
    settings.excluded_headers = None;
    settings
}

impl Builder {
    pub(crate) fn check(&self, method: &str, target: &str, headers: &[Header], body: &[u8]) -> SigCheck {
        let authorizations: Vec<&Header> = headers.iter().filter(|h| h.name == "authorization").collect();
        match authorizations[..] {
            [] => SigCheck::Missing,
            [authorization] => match self.verify(&authorization.value, method, target, headers, body) {
                Ok(()) => SigCheck::Verified,
                Err(reason) => SigCheck::Invalid(reason),
            },
            _ => SigCheck::Invalid("several Authorization headers".into()),
        }
    }

    /// Re-signs the request from what was received and compares the signatures.
    pub(crate) fn verify(
        &self,
        authorization: &str,
        method: &str,
        target: &str,
        headers: &[Header],
        body: &[u8],
    ) -> Result<(), String> {
        let auth = parse_authorization(authorization)?;
        if auth.access_key_id != self.access_key_id {
            return Err(format!("unknown access key id {:?}", auth.access_key_id));
        }
        if (auth.region, auth.service) != (self.region.as_str(), self.service.as_str()) {
            return Err(format!(
                "credential scope is {}/{}, expected {}/{}",
                auth.region, auth.service, self.region, self.service
            ));
        }
        let single = |name: &str| -> Result<Option<&str>, String> {
            let values: Vec<&str> = headers.iter().filter(|h| h.name == name).map(|h| h.value.as_str()).collect();
            match values[..] {
                [] => Ok(None),
                [value] => Ok(Some(value)),
                _ => Err(format!("several {name} headers")),
            }
        };
        let Some(amz_date) = single("x-amz-date")? else {
            return Err("no X-Amz-Date header".into());
        };
        let Some(time) = parse_amz_date(amz_date) else {
            return Err(format!("bad X-Amz-Date {amz_date:?}"));
        };
        if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
            return Err(format!("credential scope date {} is not the date of X-Amz-Date {amz_date}", auth.date));
        }
        match (single("x-amz-security-token")?, &self.session_token) {
            (None, None) => {}
            (Some(got), Some(want)) if got == want => {}
            (Some(_), Some(_)) => return Err("wrong X-Amz-Security-Token".into()),
            (Some(_), None) => return Err("X-Amz-Security-Token sent, but the server expects none".into()),
            (None, Some(_)) => return Err("no X-Amz-Security-Token".into()),
        }
        let mut required = vec!["host", "x-amz-date"];
        if self.session_token.is_some() {
            required.push("x-amz-security-token");
        }
        if let Some(name) = required.iter().find(|name| !auth.signed_headers.contains(name)) {
            return Err(format!("SignedHeaders lacks {name}: {}", auth.signed_headers.join(";")));
        }
        let mut sorted = auth.signed_headers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != auth.signed_headers
            || sorted.iter().any(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Err(format!(
                "SignedHeaders is not sorted, lowercase and unique: {}",
                auth.signed_headers.join(";")
            ));
        }
        // The signer adds x-amz-date and x-amz-security-token from its parameters; every other
        // signed header comes from the request, with all its values in order.
        let mut signable: Vec<(&str, &str)> = Vec::new();
        for &name in &auth.signed_headers {
            if name == "x-amz-date" || name == "x-amz-security-token" {
                continue;
            }
            let before = signable.len();
            signable.extend(headers.iter().filter(|h| h.name == name).map(|h| (h.name.as_str(), h.value.as_str())));
            if signable.len() == before {
                return Err(format!("signed header {name} is not in the request"));
            }
        }
        let key = Key {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            session_token: self.session_token.as_deref(),
        };
        let computed = expected_signature(&key, &self.region, &self.service, time, method, target, signable, body)?;
        if computed != auth.signature {
            return Err(format!(
                "signature mismatch: got {}, computed {computed} over {method} {target}, SignedHeaders={} and a {}-byte body",
                auth.signature,
                auth.signed_headers.join(";"),
                body.len()
            ));
        }
        Ok(())
    }
}

/// The credentials a request is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    /// The access key id.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// The session token, for temporary credentials.
    pub session_token: Option<&'a str>,
}

/// The signature aws-sigv4 computes for a received request: `signed` are the request's signed
/// headers other than `x-amz-date` and `x-amz-security-token` (the signer adds those from
/// `time` and the key), with all their values in order; `target` is the path and query as
/// received.
#[allow(clippy::too_many_arguments)]
pub fn expected_signature(
    key: &Key<'_>,
    region: &str,
    service: &str,
    time: SystemTime,
    method: &str,
    target: &str,
    signed: Vec<(&str, &str)>,
    body: &[u8],
) -> Result<String, String> {
    let uri = if target.starts_with('/') { format!("http://localhost{target}") } else { target.to_owned() };
    let identity = Credentials::new(
        key.access_key_id,
        key.secret_access_key,
        key.session_token.map(str::to_owned),
        None,
        "loopback-sigv4-check",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(signing_settings())
        .build()
        .map_err(|e| format!("signing parameters: {e}"))?
        .into();
    let request = SignableRequest::new(method, uri, signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| format!("cannot re-sign {method} {target}: {e}"))?;
    let output = sign(request, &params).map_err(|e| format!("cannot re-sign {method} {target}: {e}"))?;
    Ok(output.signature().to_owned())
}
