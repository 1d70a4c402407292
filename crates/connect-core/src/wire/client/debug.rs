//! The client's own interceptor: the `User-Agent` header, attempt counting, and the `--debug` log
//! (secrets redacted).

use super::config::DebugSink;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryMode;
use serde_json::Value;

use super::error::OperationError;
use crate::model::{Location, Operation};
use crate::wire::rest_json::{self};

/// The client's own interceptor: `User-Agent`, attempt counting, and the `--debug` log.
pub(super) struct ClientInterceptor {
    pub(super) user_agent: String,
    pub(super) attempts: Arc<AtomicU32>,
    pub(super) max_attempts: u32,
    pub(super) debug: Option<(DebugSink, Arc<std::sync::Mutex<Option<rest_json::Request>>>)>,
    pub(super) mode: RetryMode,
    /// The operation, whose model says which values are `@sensitive`.
    pub(super) op: &'static Operation,
}

/// How much of a response body that is not JSON the log shows.
const RAW_BODY_LIMIT: usize = 2048;

impl std::fmt::Debug for ClientInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientInterceptor").field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

impl ClientInterceptor {
    /// A response body for the log: JSON with the output's `@sensitive` members redacted (error
    /// shapes have none), else the start of the text.
    fn shown_body(&self, body: &[u8]) -> String {
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                let value = match self.op.output() {
                    Some(shape) => rest_json::redact(shape, &value),
                    None => value,
                };
                value.to_string()
            }
            Err(_) => {
                let text = String::from_utf8_lossy(body);
                match text.char_indices().nth(RAW_BODY_LIMIT) {
                    Some((cut, _)) => format!("{}… ({} bytes, not JSON)", &text[..cut], body.len()),
                    None => text.into_owned(),
                }
            }
        }
    }

    fn log(&self, line: &str) {
        if let Some((sink, _)) = &self.debug {
            sink(line);
        }
    }
}

/// Headers whose values are secrets: never logged.
pub(super) fn redacted_header(name: &str, value: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "authorization" => match value.find("Signature=") {
            Some(i) => format!("{}Signature=<redacted>", &value[..i]),
            None => "<redacted>".to_owned(),
        },
        "x-amz-security-token" => "<redacted>".to_owned(),
        _ => value.to_owned(),
    }
}

impl Intercept for ClientInterceptor {
    fn name(&self) -> &'static str {
        "AwsConnectClient"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context.request_mut().headers_mut().insert("user-agent", self.user_agent.clone());
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some((_, shown)) = &self.debug {
            let shown = shown.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_else(|| rest_json::Request {
                method: "",
                target: String::new(),
                headers: Vec::new(),
                body: None,
            });
            let req = context.request();
            let uri = req.uri();
            // The path and query as sent, with @sensitive labels and query values redacted.
            let base = uri.split_once("://").map_or(uri, |(_, rest)| rest);
            let host = base.split('/').next().unwrap_or("");
            let scheme = uri.split_once("://").map_or("https", |(s, _)| s);
            if attempt > 1 {
                self.log(&format!(
                    "Retrying the request ({} retry mode): attempt {attempt} of {}",
                    match self.mode {
                        RetryMode::Adaptive => "adaptive",
                        _ => "standard",
                    },
                    self.max_attempts
                ));
            }
            self.log(&format!("Sending request: {} {scheme}://{host}{}", req.method(), shown.target));
            for (k, v) in req.headers() {
                // Headers bound to input members are shown as the redacted input serialized them.
                let bound = shown.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(k));
                let input_header = self
                    .op
                    .input()
                    .map(|shape| shape.members())
                    .unwrap_or_default()
                    .iter()
                    .any(|m| matches!(m.location(), Location::Header(name) if name.eq_ignore_ascii_case(k)));
                match bound {
                    Some((_, value)) => self.log(&format!("  {k}: {value}")),
                    None if input_header => self.log(&format!("  {k}: <redacted>")),
                    None => self.log(&format!("  {k}: {}", redacted_header(k, v))),
                }
            }
            if let Some(body) = &shown.body {
                self.log(&format!("  body: {}", String::from_utf8_lossy(body)));
            }
        }
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.debug.is_some() {
            let resp = context.response();
            self.log(&format!("Response: {}", resp.status().as_u16()));
            let sensitive_headers: Vec<&str> = self
                .op
                .output()
                .map(|shape| shape.members())
                .unwrap_or_default()
                .iter()
                .filter_map(|m| match m.location() {
                    Location::Header(name) if m.target().sensitive() => Some(name),
                    _ => None,
                })
                .collect();
            for (k, v) in resp.headers() {
                if sensitive_headers.iter().any(|name| name.eq_ignore_ascii_case(k)) {
                    self.log(&format!("  {k}: <redacted>"));
                } else {
                    self.log(&format!("  {k}: {}", redacted_header(k, v)));
                }
            }
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.debug.is_none() {
            return Ok(());
        }
        let attempt = self.attempts.load(Ordering::SeqCst);
        if let Some(body) = context.response().and_then(|r| r.body().bytes()) {
            self.log(&format!("  response body: {}", self.shown_body(body)));
        }
        let outcome = match context.output_or_error() {
            None => "not sent".to_owned(),
            Some(Ok(_)) => "succeeded".to_owned(),
            Some(Err(e)) => match e.as_operation_error().and_then(|e| e.downcast_ref::<OperationError>()) {
                Some(service) => format!("service error {} (HTTP {})", service.error.code, service.error.status),
                None if e.is_timeout_error() => "timed out".to_owned(),
                None => match e.as_connector_error() {
                    Some(c) if c.is_timeout() => "timed out while connecting or reading".to_owned(),
                    Some(c) if c.is_io() => "the connection failed".to_owned(),
                    Some(_) => "the request could not be sent".to_owned(),
                    None if e.is_response_error() => "the response could not be read".to_owned(),
                    None => "failed".to_owned(),
                },
            },
        };
        self.log(&format!("Attempt {attempt} of {}: {outcome}", self.max_attempts));
        Ok(())
    }
}
