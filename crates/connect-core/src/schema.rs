//! JSON Schemas of operation inputs, for editors that validate `--cli-input-json` files.

use schemars::{JsonSchema, Schema};

/// The JSON Schema of `T` (the generated input type of an operation).
pub fn schema_of<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}
