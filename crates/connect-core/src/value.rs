//! Hand-written value types that the generated Rust types use.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A timestamp as the AWS CLI accepts it: seconds since the epoch, or an ISO 8601 text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    EpochSeconds(f64),
    /// A text the AWS CLI parses (ISO 8601 and the other forms botocore reads).
    Text(String),
}

impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Seconds since 1970-01-01T00:00:00Z, or an ISO 8601 date and time.",
            "type": ["number", "string"]
        })
    }
}
