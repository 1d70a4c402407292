//! A hook around every attempt (the first and each retry): what lets a caller that sends many
//! requests put them all through one client-side rate limiter and slow it down when the service
//! throttles.

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::error::OperationError;

/// How an attempt ended, as far as a rate limiter cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// A 2xx answer.
    Succeeded,
    /// The service said to slow down (HTTP 429 or a throttling error code).
    Throttled,
    /// Any other failure.
    Failed,
}

/// Called before every attempt (it may block the sending thread until the attempt may go) and
/// after it.
pub trait AttemptGate: Send + Sync {
    /// Waits until the attempt may go; `false`: it must not (the request fails with
    /// [`GATE_CLOSED`], unsent).
    fn before_attempt(&self) -> bool;
    /// Told how the attempt ended.
    fn after_attempt(&self, outcome: AttemptOutcome);
}

/// Why an attempt that its gate stopped failed.
pub const GATE_CLOSED: &str = "the attempt was stopped before it was sent";

/// The error codes that mean "throttled", as the AWS SDKs' retry classifiers list them.
pub fn is_throttling(status: u16, code: &str) -> bool {
    status == 429 || aws_runtime::retries::classifiers::THROTTLING_ERRORS.contains(&code)
}

/// Runs a gate around the attempts of the orchestrator.
#[derive(Clone)]
pub(super) struct GateInterceptor(pub(super) Arc<dyn AttemptGate>);

impl std::fmt::Debug for GateInterceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GateInterceptor")
    }
}

impl Intercept for GateInterceptor {
    fn name(&self) -> &'static str {
        "AwsConnectAttemptGate"
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.0.before_attempt() { Ok(()) } else { Err(GATE_CLOSED.into()) }
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let outcome = match context.output_or_error() {
            Some(Ok(_)) => AttemptOutcome::Succeeded,
            Some(Err(e)) => match e.as_operation_error().and_then(|e| e.downcast_ref::<OperationError>()) {
                Some(service) if is_throttling(service.error.status, &service.error.code) => AttemptOutcome::Throttled,
                _ => AttemptOutcome::Failed,
            },
            None => AttemptOutcome::Failed,
        };
        self.0.after_attempt(outcome);
        Ok(())
    }
}
