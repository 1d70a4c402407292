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
    #[error("You must specify a region. You can also configure your region by running \"aws configure\".")]
    NoRegion,
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
    Service { operation: &'static str, error: ServiceError, attempts: u32, retries_exhausted: bool },
    #[error("Could not connect to the endpoint URL: \"{url}\"")]
    Connect { url: String },
    /// The proxy could not be reached, or refused the tunnel (`url` is masked).
    #[error("Failed to connect to proxy URL: \"{url}\"")]
    Proxy { url: String },
    /// The TLS handshake failed (an untrusted certificate, …).
    #[error("SSL validation failed for {url} {reason}")]
    Ssl { url: String, reason: String },
    #[error("Connect timeout on endpoint URL: \"{url}\"")]
    ConnectTimeout { url: String },
    #[error("Read timeout on endpoint URL: \"{url}\"")]
    ReadTimeout { url: String },
    #[error("Connection was closed before we received a valid response from endpoint URL: \"{url}\".")]
    Closed { url: String },
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

/// Error codes the AWS CLI's standard retry mode retries (besides 500, 502, 503, 504).
pub(super) const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
];

pub(super) fn is_retryable(error: &ServiceError) -> bool {
    matches!(error.status, 500 | 502 | 503 | 504) || RETRYABLE_CODES.contains(&error.code.as_str())
}

/// What a failed call means to the user, as botocore and urllib3 report it.
pub(super) fn classify(
    e: SdkError<OperationError, HttpResponse>,
    operation: &'static str,
    full_url: String,
    proxy: Option<&Proxy>,
    attempts: u32,
    max_attempts: u32,
) -> SendError {
    let context = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
    if let SdkError::DispatchFailure(f) = &e {
        if let Some(reason) = f.as_connector_error().and_then(|c| tls_error(c)) {
            return SendError::Ssl { url: full_url, reason };
        }
    }
    match e {
        SdkError::ServiceError(ctx) => {
            let error = *ctx.into_err().error;
            let retries_exhausted = is_retryable(&error) && attempts >= max_attempts;
            SendError::Service { operation, error, attempts, retries_exhausted }
        }
        SdkError::TimeoutError(_) => SendError::ReadTimeout { url: full_url },
        // The HTTP client says which phase timed out only in its message.
        SdkError::DispatchFailure(f) if f.is_timeout() && context.contains("HTTP read") => {
            SendError::ReadTimeout { url: full_url }
        }
        SdkError::DispatchFailure(f) if f.is_timeout() => SendError::ConnectTimeout { url: full_url },
        // As urllib3: a connection that fails while going through a proxy is the proxy's failure.
        SdkError::DispatchFailure(f) if f.is_io() => match proxy {
            Some(proxy) => SendError::Proxy { url: proxy.masked() },
            None => SendError::Connect { url: full_url },
        },
        SdkError::ResponseError(_) if context.contains("timed out") || context.contains("timeout") => {
            SendError::ReadTimeout { url: full_url }
        }
        SdkError::ResponseError(_) => SendError::Closed { url: full_url },
        other => SendError::Other(error_chain(&other)),
    }
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
