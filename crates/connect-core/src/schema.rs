//! JSON Schemas of operation inputs, for editors that validate `--cli-input-json` files.

use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// The JSON Schema of `T` (the generated input type of an operation).
pub fn schema_of<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}

/// The input schema of an operation as a document for editors: objects admit only their
/// declared properties, as the AWS CLI admits only known parameters, and optional members may be
/// left out but are not nullable (the AWS CLI refuses `null` for them).
pub fn input_schema(op: &crate::model::Operation) -> Value {
    let mut doc = match op.input_schema() {
        Some(schema) => schema.to_value(),
        None => serde_json::json!({"type": "object", "properties": {}}),
    };
    close_objects(&mut doc);
    doc
}

fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(options)) = map.get_mut("anyOf") {
                options.retain(|o| o.get("type").and_then(Value::as_str) != Some("null"));
                if options.len() == 1 {
                    let only = options.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, v) in inner {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
