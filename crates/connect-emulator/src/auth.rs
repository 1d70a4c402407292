//! SigV4 as the service checks it: the `Authorization` header is parsed, the key looked up, and the
//! request signed again with `aws-sigv4` from what arrived (the check the loopback test server
//! makes, [`loopback::sigv4`]); a mismatch is the service's 403.

use std::time::{Duration, SystemTime};

use loopback::sigv4;

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
    let Ok(auth) = sigv4::parse_authorization(authorization) else {
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
    let Some(time) = sigv4::parse_amz_date(date_text) else {
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
    let secret = sigv4::Key {
        access_key_id: &key.access_key_id,
        secret_access_key: &key.secret,
        session_token: token.as_deref(),
    };
    let computed =
        sigv4::expected_signature(&secret, auth.region, auth.service, time, method, target, signable, body).ok();
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
        use std::time::UNIX_EPOCH;
        assert_eq!(sigv4::parse_amz_date("19700101T000000Z"), Some(UNIX_EPOCH));
        assert_eq!(sigv4::parse_amz_date("20000301T000000Z"), Some(UNIX_EPOCH + Duration::from_secs(951_868_800)));
        assert_eq!(sigv4::parse_amz_date("2000-03-01"), None);
        let p = sigv4::parse_authorization("AWS4-HMAC-SHA256 Credential=AK/20260101/us-west-2/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc").unwrap();
        assert_eq!((p.access_key_id, p.region, p.service, p.signature), ("AK", "us-west-2", "connect", "abc"));
        assert_eq!(p.signed_headers, ["host", "x-amz-date"]);
        assert!(sigv4::parse_authorization("Basic abc").is_err());
        assert_eq!(
            redact_authorization("AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=abc"),
            "AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=REDACTED"
        );
    }
}
