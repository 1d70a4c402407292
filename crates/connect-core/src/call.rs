//! The typed library: send an operation's generated input type and get its generated output type
//! back, through the same validation, idempotency tokens and client as the command line.
//!
//! ```no_run
//! use connect_core::call::call;
//! use connect_core::generated::SERVICE;
//! use connect_core::generated::types::{DescribeUserRequest, DescribeUserResponse};
//! use connect_core::wire::client::Settings;
//!
//! let settings = Settings { endpoint_url: Some("http://127.0.0.1:8080".into()), ..Settings::default() };
//! let input = DescribeUserRequest { user_id: "u-1".into(), instance_id: "i-1".into() };
//! let output: DescribeUserResponse = call(&SERVICE, "DescribeUser", &input, &settings)?;
//! println!("{:?}", output.user.and_then(|u| u.username));
//! # Ok::<(), connect_core::call::CallError>(())
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::input::fill_idempotency_tokens;
use crate::input::validate::{ValidationErrors, validate};
use crate::model::Service;
use crate::wire::client::{SendError, Settings, send};

/// Why a typed call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The service has no operation of that name.
    #[error("Unknown operation: {0}")]
    UnknownOperation(String),
    /// The input type did not serialize to a JSON object, or the output did not fit its type.
    #[error("{context}: {source}")]
    Types {
        /// Which side failed: the input or the output.
        context: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// The input breaks the model's constraints (botocore's parameter validation); nothing was sent.
    #[error(transparent)]
    Invalid(Box<ValidationErrors>),
    /// Sending failed, or the service answered with an error.
    #[error(transparent)]
    Send(Box<SendError>),
}

/// Sends `operation` of `service` with `input`, a generated input type (or anything that
/// serializes to the operation's input document), and reads the output into `O`. For an operation
/// without output, `O` may be `()` or any type that reads an empty document.
pub fn call<I: Serialize, O: DeserializeOwned>(
    service: &'static Service,
    operation: &str,
    input: &I,
    settings: &Settings,
) -> Result<O, CallError> {
    let op = service
        .operations()
        .find(|o| o.name() == operation)
        .ok_or_else(|| CallError::UnknownOperation(operation.to_owned()))?;
    let mut document = match serde_json::to_value(input) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        Ok(_) => {
            let source = <serde_json::Error as serde::de::Error>::custom("not a JSON object");
            return Err(CallError::Types { context: "the input", source });
        }
        Err(source) => return Err(CallError::Types { context: "the input", source }),
    };
    // Optional members the type leaves unset are left out, as the command line leaves them out.
    document.retain(|_, v| !v.is_null());
    if let Some(shape) = op.input() {
        fill_idempotency_tokens(shape, &mut document);
        validate(&Value::Object(document.clone()), shape).map_err(|e| CallError::Invalid(Box::new(e)))?;
    }
    let output = send(service, op, &document, settings).map_err(|e| CallError::Send(Box::new(e)))?;
    let output = if op.output().is_none() && output.is_empty() { Value::Null } else { Value::Object(output) };
    serde_json::from_value(output).map_err(|source| CallError::Types { context: "the output", source })
}
