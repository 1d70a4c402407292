//! The AWS CLI's output formats (`--output json|text|table|yaml|yaml-stream|off`) and `--query`,
//! over a response document whose key order is the response's.
//!
//! Every format prints nothing for an empty response (`{}`). Formatting happens after `--query`
//! ([`apply_query`]), so a format also meets scalars and `null`.

mod json;
mod query;
mod table;
mod text;
mod width;
mod yaml;

use std::fmt;

use serde_json::Value;

pub use width::text_width;

/// An `--output` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
    Table,
    Yaml,
    YamlStream,
    Off,
}

impl Format {
    /// The format named by an `--output` value, as the AWS CLI spells it.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "json" => Format::Json,
            "text" => Format::Text,
            "table" => Format::Table,
            "yaml" => Format::Yaml,
            "yaml-stream" => Format::YamlStream,
            "off" => Format::Off,
            _ => return None,
        })
    }
}

/// The terminal width the AWS CLI assumes when standard output is not a terminal
/// (`awscli.table.determine_terminal_width`'s default).
pub const DEFAULT_TERMINAL_WIDTH: usize = 80;

/// A document the AWS CLI's formatter cannot print: it raises a Python exception part way
/// (the table formatter on rows of different lengths, the text formatter on a list that mixes
/// objects with other values). The CLI prints what it wrote so far, then the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError {
    /// What the formatter wrote before it failed (the text formatter streams; the others
    /// write nothing).
    pub partial: String,
    /// The Python exception's message.
    pub message: String,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OutputError {}

/// A `--query` expression that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// The AWS CLI's message: `Bad value for --query <expr>: <parser error>`.
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// `value` formatted as `aws … --output <format>` prints it when standard output is not a
/// terminal (colour off, tables 80 columns wide); `operation_name` titles tables. A document
/// the AWS CLI fails on gives what it printed before failing (see [`try_render`]).
pub fn render(format: Format, value: &Value, operation_name: &str) -> String {
    match try_render(format, value, operation_name, DEFAULT_TERMINAL_WIDTH) {
        Ok(text) => text,
        Err(e) => e.partial,
    }
}

/// Like [`render`], with the terminal width tables fit into, and the AWS CLI's failures as errors.
pub fn try_render(
    format: Format,
    value: &Value,
    operation_name: &str,
    terminal_width: usize,
) -> Result<String, OutputError> {
    if is_empty_object(value) {
        return Ok(String::new());
    }
    match format {
        Format::Json => Ok(json::render(value)),
        Format::Text => text::render(value),
        Format::Table => table::render(value, operation_name, terminal_width),
        Format::Yaml => Ok(yaml::render(value)),
        Format::YamlStream => Ok(yaml::render(&Value::Array(vec![value.clone()]))),
        Format::Off => Ok(String::new()),
    }
}

fn is_empty_object(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.is_empty())
}

/// Applies a `--query` JMESPath expression to a response, as the AWS CLI does before formatting.
pub fn apply_query(expr: &str, value: &Value) -> Result<Value, QueryError> {
    let bad = |detail: String| QueryError { message: format!("Bad value for --query {expr}: {detail}") };
    let ast = jmespath::parse(expr).map_err(|e| bad(e.to_string()))?;
    query::evaluate(expr, &ast, value).map_err(bad)
}

/// Python's `str()` of a JSON value as the AWS CLI's formatters hold it: `None`, `True`,
/// `False`, Python float notation, strings as they are, and `repr()` for lists and dicts.
pub(crate) fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => {
            let mut out = String::new();
            py_repr(&mut out, other);
            out
        }
    }
}

/// Python's `repr()` of a JSON value.
fn py_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) => out.push_str(&py_number(n)),
        Value::String(s) => py_repr_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_repr_str(out, k);
                out.push_str(": ");
                py_repr(out, v);
            }
            out.push('}');
        }
    }
}

/// Python's `str()` of a number: integers as they are, floats as `repr(float)`.
pub(crate) fn py_number(n: &serde_json::Number) -> String {
    if n.is_f64() { connect_core::json::python_float(n.as_f64().unwrap_or(0.0)) } else { n.to_string() }
}

/// Python's `repr()` of a string: single quotes unless the text has `'` and no `"`, with
/// backslash escapes for quotes, backslashes and characters that are not printable.
fn py_repr_str(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !py_printable(c) => {
                let cp = c as u32;
                let escaped = if cp <= 0xFF {
                    format!("\\x{cp:02x}")
                } else if cp <= 0xFFFF {
                    format!("\\u{cp:04x}")
                } else {
                    format!("\\U{cp:08x}")
                };
                out.push_str(&escaped);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable()` for one character, for the characters JSON text may carry:
/// controls, format characters, separators other than the space, and noncharacters are not.
fn py_printable(c: char) -> bool {
    let cp = c as u32;
    !(cp < 0x20
        || (0x7F..=0xA0).contains(&cp)
        || cp == 0xAD
        || cp == 0x1680
        || (0x2000..=0x200F).contains(&cp)
        || (0x2028..=0x202F).contains(&cp)
        || (0x205F..=0x2064).contains(&cp)
        || (0x2066..=0x206F).contains(&cp)
        || cp == 0x3000
        || (0xD800..=0xF8FF).contains(&cp)
        || cp == 0xFEFF
        || (0xFFF9..=0xFFFB).contains(&cp)
        || (cp & 0xFFFE) == 0xFFFE
        || (0xF0000..).contains(&cp))
}

/// Python's truth value of a JSON value.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// Python's type name of a JSON value, for the formatters' error messages.
pub(crate) fn py_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

pub(crate) fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_response_prints_nothing() {
        for f in [Format::Json, Format::Text, Format::Table, Format::Yaml, Format::YamlStream, Format::Off] {
            assert_eq!(render(f, &json!({}), "Op"), "", "{f:?}");
        }
    }

    #[test]
    fn null_query_result() {
        assert_eq!(render(Format::Json, &Value::Null, "Op"), "null\n");
        assert_eq!(render(Format::Text, &Value::Null, "Op"), "None\n");
        assert_eq!(render(Format::Yaml, &Value::Null, "Op"), "null\n");
        assert_eq!(render(Format::Table, &Value::Null, "Op"), "");
    }

    #[test]
    fn query_multiselect_hash() {
        let v = apply_query("{a: `1`, b: 'x'}", &json!({})).unwrap();
        assert_eq!(render(Format::Json, &v, "Op"), "{\n    \"a\": 1,\n    \"b\": \"x\"\n}\n");
        assert_eq!(render(Format::Text, &v, "Op"), "1\tx\n");
        let table = render(Format::Table, &v, "GetThing");
        assert!(table.contains("GetThing") && table.contains(" a ") && table.contains(" b "), "{table}");
    }

    #[test]
    fn bad_query() {
        let e = apply_query("a[", &json!({})).unwrap_err();
        assert!(e.message.starts_with("Bad value for --query a[: "), "{}", e.message);
    }

    #[test]
    fn repr() {
        let v = json!([1, 1.5, "it's", "a\"b'c", null, true, {"k": "\u{e9}\n"}]);
        assert_eq!(py_str(&v), r#"[1, 1.5, "it's", 'a"b\'c', None, True, {'k': 'é\n'}]"#);
    }
}
