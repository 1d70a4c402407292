//! `--output text`: the AWS CLI's text formatter (`awscli/text.py`). Scalars one per line, lists
//! of scalars tab-separated, objects as a tab-separated line of their scalar values (in key order)
//! followed by their nested values, each line of a nested value prefixed with its key in upper case.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{OutputError, is_scalar, py_str, py_type};

pub fn render(value: &Value) -> std::result::Result<String, OutputError> {
    let mut out = String::new();
    match format_text(value, &mut out, None, None) {
        Ok(()) => Ok(out),
        Err(message) => Err(OutputError { partial: out, message }),
    }
}

type Result<T> = std::result::Result<T, String>;

fn format_text(item: &Value, out: &mut String, identifier: Option<&str>, scalar_keys: Option<&[String]>) -> Result<()> {
    match item {
        Value::Object(map) => format_dict(scalar_keys, map, identifier, out),
        Value::Array(items) => format_list(items, identifier, out),
        scalar => {
            out.push_str(&py_str(scalar));
            out.push('\n');
            Ok(())
        }
    }
}

fn format_list(items: &[Value], identifier: Option<&str>, out: &mut String) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(Value::is_object) {
        let all_keys = all_scalar_keys(items)?;
        for element in items {
            format_text(element, out, identifier, Some(&all_keys))?;
        }
    } else if items.iter().any(Value::is_array) {
        let (scalars, non_scalars): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| is_scalar(v));
        if !scalars.is_empty() {
            format_scalar_list(&scalars, identifier, out);
        }
        for non_scalar in non_scalars {
            format_text(non_scalar, out, identifier, None)?;
        }
    } else {
        format_scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
    }
    Ok(())
}

fn format_scalar_list(elements: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            let id = id.to_uppercase();
            for item in elements {
                out.push_str(&id);
                out.push('\t');
                out.push_str(&py_str(item));
                out.push('\n');
            }
        }
        None => {
            let parts: Vec<String> = elements.iter().map(|v| py_str(v)).collect();
            out.push_str(&parts.join("\t"));
            out.push('\n');
        }
    }
}

fn format_dict(
    scalar_keys: Option<&[String]>,
    map: &Map<String, Value>,
    identifier: Option<&str>,
    out: &mut String,
) -> Result<()> {
    let (mut scalars, non_scalars) = partition_dict(map, scalar_keys);
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (key, value) in non_scalars {
        format_text(value, out, Some(key), None)?;
    }
    Ok(())
}

/// The sorted keys whose values are scalars in any of the objects; Python fails on a list that
/// mixes objects with other values before printing any of it.
fn all_scalar_keys(items: &[Value]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    for item in items {
        let Value::Object(map) = item else {
            return Err(format!("'{}' object has no attribute 'items'", py_type(item)));
        };
        seen.extend(map.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()));
    }
    Ok(seen.into_iter().collect())
}

/// The `str()` of the scalar values and the (key, value) pairs of the others: without
/// `scalar_keys` in key order; with them, one value per scalar key (`''` when absent) and the
/// object's other keys sorted.
fn partition_dict<'a>(
    map: &'a Map<String, Value>,
    scalar_keys: Option<&[String]>,
) -> (Vec<String>, Vec<(&'a str, &'a Value)>) {
    let mut scalars = Vec::new();
    let mut non_scalars = Vec::new();
    match scalar_keys {
        None => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in entries {
                if is_scalar(v) {
                    scalars.push(py_str(v));
                } else {
                    non_scalars.push((k.as_str(), v));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(map.get(key).map_or_else(String::new, py_str));
            }
            let mut remaining: Vec<&String> = map.keys().filter(|k| !keys.contains(k)).collect();
            remaining.sort();
            for k in remaining {
                if let Some(v) = map.get(k) {
                    non_scalars.push((k.as_str(), v));
                }
            }
        }
    }
    (scalars, non_scalars)
}
