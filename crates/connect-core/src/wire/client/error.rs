//! How sending fails: the errors a user sees (worded as the AWS CLI words them), the service error
//! as the retry classifiers see it, and the classification of transport failures.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};

use crate::wire::proxy::Proxy;

use crate::wire::rest_json::{self, ServiceError};

/// How sending failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// No region from the command line, the environment or the profile.
    #[error("You must specify a region. You can also configure your region by running \"aws configure\".")]
    NoRegion,
    /// The region is not a host label (botocore's `InvalidRegionError`).
    #[error("Provided region_name '{0}' doesn't match a supported format.")]
    InvalidRegion(String),
    /// No credential source of the chain had credentials.
    #[error("Unable to locate credentials. You can configure credentials by running \"aws login\".")]
    NoCredentials,
    /// `--profile` or `AWS_PROFILE` names a profile that neither configuration file has
    /// (botocore's `ProfileNotFound`, which the AWS CLI reports as a general error).
    #[error("The config profile ({0}) could not be found")]
    ProfileNotFound(String),
    /// A credential source that is configured but failed.
    #[error("{0}")]
    Credentials(String),
    /// The endpoint rules refused the configuration.
    #[error("{0}")]
    Endpoint(String),
    /// The input cannot be put on the wire.
    #[error(transparent)]
    Serialize(#[from] rest_json::SerializeError),
    /// The service answered with an error.
    #[error("An error occurred ({}) when calling the {operation} operation{}: {}", .error.code, retries_note(*.retries_exhausted, *.attempts), .error.message)]
    Service {
        /// The operation's name (`UpdateUserIdentityInfo`).
        operation: &'static str,
        /// The error the service sent.
        error: ServiceError,
        /// How many attempts were made.
        attempts: u32,
        /// Whether the last attempt was retryable but no attempts were left.
        retries_exhausted: bool,
    },
    /// The endpoint could not be reached (refused, no route, no such host).
    #[error("Could not connect to the endpoint URL: \"{url}\"")]
    Connect {
        /// The endpoint.
        url: String,
    },
    /// The proxy could not be reached, or refused the tunnel (`url` is masked).
    #[error("Failed to connect to proxy URL: \"{url}\"")]
    Proxy {
        /// The proxy, its credentials masked.
        url: String,
    },
    /// The TLS handshake failed (an untrusted certificate, …).
    #[error("SSL validation failed for {url} {reason}")]
    Ssl {
        /// The endpoint.
        url: String,
        /// The TLS library's reason.
        reason: String,
    },
    /// Connecting took longer than the connect timeout.
    #[error("Connect timeout on endpoint URL: \"{url}\"")]
    ConnectTimeout {
        /// The endpoint.
        url: String,
    },
    /// The response took longer than the read timeout.
    #[error("Read timeout on endpoint URL: \"{url}\"")]
    ReadTimeout {
        /// The endpoint.
        url: String,
    },
    /// The connection was closed or reset before a whole response arrived.
    #[error("Connection was closed before we received a valid response from endpoint URL: \"{url}\".")]
    Closed {
        /// The endpoint.
        url: String,
    },
    /// A 2xx answer whose body is not a JSON object (an HTML page, truncated JSON, an array).
    #[error("Unable to parse response ({problem}), invalid JSON received from endpoint URL: \"{url}\"")]
    Malformed {
        /// The endpoint.
        url: String,
        /// What is wrong with the body.
        problem: String,
    },
    /// Any other failure, with its message.
    #[error("{0}")]
    Other(String),
}

pub(super) fn retries_note(exhausted: bool, attempts: u32) -> String {
    if exhausted { format!(" (reached max retries: {})", attempts.saturating_sub(1)) } else { String::new() }
}

/// A service error as the retry classifiers see it.
#[derive(Debug)]
pub(super) struct OperationError {
    pub(super) meta: ErrorMetadata,
    pub(super) error: Box<ServiceError>,
}

impl std::fmt::Display for OperationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error.code, self.error.message)
    }
}

impl std::error::Error for OperationError {}

impl ProvideErrorMetadata for OperationError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// A successful (2xx) answer whose body is not the JSON object restJson1 promises: what the
/// response deserializer fails with, so that [`classify`] knows it by its type.
#[derive(Debug)]
pub(super) struct MalformedResponse(pub(super) String);

impl std::fmt::Display for MalformedResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MalformedResponse {}

/// What a failed call means to the user, as botocore and urllib3 report it. Transport failures
/// are told apart by the types in the error's source chain ([`Transport`]), never by its text.
pub(super) fn classify(
    e: SdkError<OperationError, HttpResponse>,
    operation: &'static str,
    full_url: String,
    proxy: Option<&Proxy>,
    attempts: u32,
    max_attempts: u32,
) -> SendError {
    match e {
        SdkError::ServiceError(ctx) => {
            let (status, body) = (ctx.raw().status().as_u16(), ctx.raw().body().bytes().unwrap_or_default().to_vec());
            let mut error = *ctx.into_err().error;
            plain_error_body(&mut error, status, &body);
            // As botocore's standard retry conditions: the attempt count is checked first, so the
            // last allowed attempt is marked whether or not its error could be retried.
            let retries_exhausted = attempts >= max_attempts;
            SendError::Service { operation, error, attempts, retries_exhausted }
        }
        SdkError::TimeoutError(_) => SendError::ReadTimeout { url: full_url },
        SdkError::DispatchFailure(ref f) => {
            let Some(failure) = f.as_connector_error() else { return SendError::Other(error_chain(&e)) };
            if let Some(reason) = tls_error(failure) {
                return SendError::Ssl { url: full_url, reason };
            }
            let transport = Transport::of(failure);
            match (transport.connecting, f.is_timeout() || transport.timed_out) {
                (true, true) => SendError::ConnectTimeout { url: full_url },
                (false, true) => SendError::ReadTimeout { url: full_url },
                // As urllib3: a connection that fails while going through a proxy is the proxy's failure.
                (true, false) => match proxy {
                    Some(proxy) => SendError::Proxy { url: proxy.masked() },
                    None => SendError::Connect { url: full_url },
                },
                (false, false) if transport.broken => SendError::Closed { url: full_url },
                (false, false) => SendError::Other(error_chain(failure)),
            }
        }
        SdkError::ResponseError(ref ctx) => {
            // The response error's own error is its source.
            let Some(source) = std::error::Error::source(&e) else { return SendError::Other(error_chain(&e)) };
            let Some(malformed) = source.downcast_ref::<MalformedResponse>() else {
                // Reading the body failed.
                let transport = Transport::of(source);
                return if transport.timed_out {
                    SendError::ReadTimeout { url: full_url }
                } else if transport.broken {
                    SendError::Closed { url: full_url }
                } else {
                    SendError::Other(error_chain(source))
                };
            };
            let raw = ctx.raw();
            let content_type = raw.headers().get("content-type");
            let problem = malformed_problem(raw.body().bytes().unwrap_or_default(), content_type)
                .unwrap_or_else(|| malformed.0.clone());
            SendError::Malformed { url: full_url, problem }
        }
        other => SendError::Other(error_chain(&other)),
    }
}

/// What the types in a transport failure's source chain say about it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Transport {
    /// It happened while connecting (TCP, DNS, a proxy's tunnel): nothing was sent.
    connecting: bool,
    /// A timer expired.
    timed_out: bool,
    /// The connection broke after it was made: closed or reset by the peer, or an answer that is
    /// not HTTP.
    broken: bool,
}

impl Transport {
    fn of(failure: &(dyn std::error::Error + 'static)) -> Transport {
        use std::io::ErrorKind;
        let mut t = Transport::default();
        for e in chain(failure) {
            if let Some(e) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
                t.connecting |= e.is_connect();
            } else if e.is::<aws_smithy_runtime_api::client::dns::ResolveDnsError>() {
                t.connecting = true;
            } else if e.is::<aws_smithy_async::future::timeout::TimedOutError>() {
                t.timed_out = true;
            } else if let Some(e) = e.downcast_ref::<hyper::Error>() {
                t.timed_out |= e.is_timeout();
                t.broken |= e.is_incomplete_message()
                    || e.is_parse()
                    || e.is_parse_status()
                    || e.is_closed()
                    || e.is_canceled()
                    || e.is_body_write_aborted();
            } else if let Some(e) = e.downcast_ref::<std::io::Error>() {
                match e.kind() {
                    ErrorKind::TimedOut => t.timed_out = true,
                    ErrorKind::ConnectionRefused
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::AddrNotAvailable => t.connecting = true,
                    ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
                    | ErrorKind::NotConnected => t.broken = true,
                    _ => {}
                }
            }
        }
        t
    }
}

/// An error and each error after it: `source()`, except that after an `io::Error` comes the error
/// it wraps (`io::Error::source` skips it).
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |&e| match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
        Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
        None => e.source(),
    })
}

/// What is wrong with a 2xx body that is not a JSON object, in words; `None` when it is one
/// (the deserializer failed for another reason).
fn malformed_problem(body: &[u8], content_type: Option<&str>) -> Option<String> {
    use serde_json::Value;
    let kind = |what: &str| format!("the body is {what}, not a JSON object");
    let problem = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(_)) => return None,
        Ok(Value::Array(_)) => kind("a JSON array"),
        Ok(Value::String(_)) => kind("a JSON string"),
        Ok(Value::Number(_)) => kind("a JSON number"),
        Ok(Value::Bool(_)) => kind("a JSON boolean"),
        Ok(Value::Null) => kind("JSON null"),
        Err(e) if e.is_eof() => format!("the JSON body is truncated: {e}"),
        Err(_) if body.trim_ascii_start().starts_with(b"<") => "the body is HTML or XML, not JSON".to_owned(),
        Err(e) => format!("the body is not JSON: {e}"),
    };
    Some(match content_type {
        Some(t) => format!("{problem}; Content-Type: {t}"),
        None => problem,
    })
}

/// botocore's reading of an error answer whose body is not JSON: a 5xx whose body is empty or an
/// HTML page (`<html>`) is a generic error, coded by its status and worded by the status's
/// standard reason phrase; any other body that is not JSON becomes the message as it is.
fn plain_error_body(error: &mut ServiceError, status: u16, body: &[u8]) {
    let trimmed = body.trim_ascii();
    if status >= 500 && (trimmed.is_empty() || trimmed.starts_with(b"<html>")) {
        error.code = status.to_string();
        error.message = reason_phrase(status).to_owned();
    } else if !body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        error.message = String::from_utf8_lossy(body).into_owned();
    }
}

/// The standard reason phrase of an HTTP status (Python's `http.client.responses`), or `""`.
fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// An error and its sources, as `a: b: c` (each said once), without the Debug dump that
/// `DisplayErrorContext` adds: for messages to people.
pub(super) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.last().is_some_and(|last| last.ends_with(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The TLS error behind a failed connection, if that is what failed: the rustls error, as text.
pub(super) fn tls_error(failure: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(failure);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // io::Error hides the error it wraps from `source()` (hyper-rustls nests it two deep).
        next = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    None
}
