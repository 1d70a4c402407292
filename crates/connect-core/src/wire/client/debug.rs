//! The client's own interceptor: the `User-Agent` header, attempt counting, and the `--debug` log
//! (secrets redacted).

use super::config::DebugSink;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryMode;

use crate::wire::rest_json::{self};

/// The client's own interceptor: `User-Agent`, attempt counting, and the `--debug` log.
pub(super) struct ClientInterceptor {
    pub(super) user_agent: String,
    pub(super) attempts: Arc<AtomicU32>,
    pub(super) max_attempts: u32,
    pub(super) debug: Option<(DebugSink, Arc<std::sync::Mutex<Option<rest_json::Request>>>)>,
    pub(super) mode: RetryMode,
}

impl std::fmt::Debug for ClientInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientInterceptor").field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

impl ClientInterceptor {
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
                self.log(&format!("  {k}: {}", redacted_header(k, v)));
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
            for (k, v) in resp.headers() {
                self.log(&format!("  {k}: {v}"));
            }
        }
        Ok(())
    }
}
