//! The model's `@pattern` constraints, checked as the service checks them where the model's
//! pattern is usable: a request whose string does not match gets the modeled 400 naming the
//! member.
//!
//! A pattern is usable when it compiles as a Rust regular expression (Smithy's are ECMA-262; the
//! ones with look-around, such as `^(?!aws:)…`, do not compile and are not checked), when it has
//! no escaped backslash (`\\S`: the model escaped those patterns twice, so they would only match
//! a literal backslash, which no real value of those members holds), and when it is not one of
//! [`WRONG`]. Matching searches the value, as Smithy's patterns are not implicitly anchored.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use connect_core::model::{Kind, Shape};
use regex::Regex;
use serde_json::Value;

/// Patterns of the model that compile but that the service's real values do not match: a
/// content hash of 64 characters under a pattern of one character.
pub const WRONG: &[&str] = &["^[a-zA-Z0-9]$"];

/// A string member whose value does not match its pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where the value is: `IdentityInfo.Email`, `Tags.key`, `SecurityProfileIds[0]`.
    pub path: String,
    /// The model's pattern.
    pub pattern: &'static str,
}

impl Mismatch {
    /// The service's message, naming the member (the value is not repeated: it may be secret).
    pub fn message(&self) -> String {
        format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
            self.path, self.pattern
        )
    }
}

/// The compiled pattern, or `None` when it is not usable (compiled once per pattern).
pub fn usable(pattern: &'static str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern)
        .or_insert_with(|| {
            if pattern.contains(r"\\") || WRONG.contains(&pattern) {
                return None;
            }
            Regex::new(pattern).ok()
        })
        .clone()
}

/// The first string of `value` (an input of `shape`) that does not match its usable pattern.
pub fn first_mismatch(shape: &'static Shape, value: &Value) -> Option<Mismatch> {
    walk(shape, value, String::new(), 0)
}

fn walk(shape: &'static Shape, value: &Value, path: String, depth: usize) -> Option<Mismatch> {
    // Inputs are validated before this and the model's recursion is shallow; the bound only
    // keeps a hostile document from going deep.
    if depth > 64 {
        return None;
    }
    let join = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    match (shape.kind(), value) {
        (Kind::String, Value::String(s)) => {
            let pattern = shape.pattern()?;
            let regex = usable(pattern)?;
            (!regex.is_match(s)).then_some(Mismatch { path, pattern })
        }
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => members
            .iter()
            .filter_map(|m| Some((m, map.get(m.name())?)))
            .find_map(|(m, v)| walk(m.target(), v, join(m.name()), depth + 1)),
        (Kind::List(element), Value::Array(items)) => {
            items.iter().enumerate().find_map(|(i, v)| walk(element, v, format!("{path}[{i}]"), depth + 1))
        }
        (Kind::Map { key, value: element }, Value::Object(map)) => map.iter().find_map(|(k, v)| {
            walk(key, &Value::String(k.clone()), join(k), depth + 1).or_else(|| walk(element, v, join(k), depth + 1))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_patterns() {
        assert!(usable(r"^[^\s@]+@[^\s@]+\.[^\s@]+$").is_some());
        assert!(usable(r"^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").is_none(), "look-around");
        assert!(usable(r"\\S").is_none(), "escaped twice");
        assert!(usable(r"^[\P{C}\r\n\t]{1,250}$").is_some());
        assert!(usable("^[a-zA-Z0-9]$").is_none());
        assert!(usable(r"\S").is_some_and(|r| r.is_match(" x ")), "a search, not a whole match");
    }
}
