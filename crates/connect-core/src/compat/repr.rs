//! Python's notation for values, as the AWS CLI's messages show them: `repr()` of strings, and
//! `int()` / `float()` of command-line text with their error texts.

use std::fmt::Write as _;

use serde_json::{Number, Value};

use crate::compat::json_dumps::python_float;

/// Python's `type(value)` of the object `json.loads` makes of `value`: `<class 'str'>`, ….
pub fn python_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<class 'NoneType'>",
        Value::Bool(_) => "<class 'bool'>",
        Value::Number(n) if n.is_f64() => "<class 'float'>",
        Value::Number(_) => "<class 'int'>",
        Value::String(_) => "<class 'str'>",
        Value::Array(_) => "<class 'list'>",
        Value::Object(_) => "<class 'dict'>",
    }
}

/// Python's `str()` of the object `json.loads` makes of `value`: a string as is, everything else
/// as [`python_repr`].
pub fn python_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        _ => python_repr(value),
    }
}

/// Python's `repr()` of the object `json.loads` makes of `value`: `{'a': [1, 2.5, None, True]}`.
pub fn python_repr(value: &Value) -> String {
    let mut out = String::new();
    write_repr(&mut out, value);
    out
}

fn write_repr(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(n) if n.is_f64() => out.push_str(&python_float(n.as_f64().unwrap_or(0.0))),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str_repr(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(out, k);
                out.push_str(": ");
                write_repr(out, v);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`; escapes for the
/// backslash, the quote, `\t`, `\n`, `\r` and characters that are not printable.
pub fn write_str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let n = u32::from(c);
                let _ = if n < 0x100 {
                    write!(out, "\\x{n:02x}")
                } else if n < 0x10000 {
                    write!(out, "\\u{n:04x}")
                } else {
                    write!(out, "\\U{n:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Python's `str.isprintable()` for one character, approximately: control, format, separator
/// (except the space), private-use and noncharacter code points are not printable. Unassigned
/// code points, which Python also escapes, are not known here and print as they are.
pub fn is_printable(c: char) -> bool {
    let n = u32::from(c);
    let not = matches!(n,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000
        | 0xd800..=0xf8ff | 0xfdd0..=0xfdef | 0xfeff | 0xfff9..=0xfffb
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..=0x10ffff
    );
    !not && (n & 0xfffe) != 0xfffe
}

/// Python's `repr()` of a string.
pub fn repr_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str_repr(&mut out, s);
    out
}

/// Python's type name of the object `json.loads` makes of `value`: `str`, `int`, `dict`, ….
pub fn type_name(value: &Value) -> &'static str {
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

/// Python's `str()` of a number: integers as they are, floats as `repr(float)`.
pub fn number_str(n: &serde_json::Number) -> String {
    if n.is_f64() { python_float(n.as_f64().unwrap_or(0.0)) } else { n.to_string() }
}

/// Python's truth value of the object `json.loads` makes of `value`.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
    }
}

/// Why `int()` or `float()` refused a value: Python's message, which the AWS CLI prints as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConversionError(pub String);

/// Python's `int(text)`: surrounding whitespace, a sign, and `_` between digits are allowed.
pub fn int(text: &str) -> Result<Value, ConversionError> {
    let fail = || ConversionError(format!("invalid literal for int() with base 10: {}", repr_str(text)));
    let t = text.trim_matches(is_python_space);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return Err(fail());
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail());
    }
    let signed = if negative { format!("-{clean}") } else { clean };
    if let Ok(v) = signed.parse::<i64>() {
        return Ok(Value::from(v));
    }
    if let Ok(v) = signed.parse::<u64>() {
        return Ok(Value::from(v));
    }
    // Python's integers are unbounded; beyond 64 bits keep the digits as a JSON number.
    serde_json::from_str::<Number>(&signed).map(Value::Number).map_err(|_| fail())
}

/// Python's `float(text)`.
pub fn float(text: &str) -> Result<Value, ConversionError> {
    let fail = || ConversionError(format!("could not convert string to float: {}", repr_str(text)));
    let t = text.trim_matches(is_python_space);
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        // JSON cannot carry these; the service would refuse them anyway.
        return Err(ConversionError(format!("{} is not a number that JSON can carry", repr_str(text))));
    }
    let valid = !t.is_empty()
        && !t.contains("__")
        && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E' | '_'))
        && t.split(['e', 'E', '.']).all(|part| !part.starts_with('_') && !part.ends_with('_'));
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    match clean.parse::<f64>() {
        Ok(v) if valid && v.is_finite() => Ok(Value::from(v)),
        _ => Err(fail()),
    }
}

/// The `TypeError` Python raises for `int()`/`float()` of a list or dict.
pub fn conversion_type_error(func: &str, value: &Value) -> ConversionError {
    let type_name = match value {
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::String(_) => "str",
    };
    let expected =
        if func == "int" { "a string, a bytes-like object or a real number" } else { "a string or a real number" };
    ConversionError(format!("{func}() argument must be {expected}, not '{type_name}'"))
}

/// Python's `str.isspace()` for the characters `int()` and `float()` strip.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_like_python() {
        // Expected values are Python's repr() of the same strings.
        assert_eq!(repr_str("abc"), "'abc'");
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(repr_str("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(repr_str("é\u{1}"), "'é\\x01'");
    }

    #[test]
    fn int_like_python() {
        assert_eq!(int(" 42 ").unwrap(), Value::from(42));
        assert_eq!(int("-1_000").unwrap(), Value::from(-1000));
        assert_eq!(int("+7").unwrap(), Value::from(7));
        assert_eq!(int("abc").unwrap_err().to_string(), "invalid literal for int() with base 10: 'abc'");
        assert_eq!(int("1.5").unwrap_err().to_string(), "invalid literal for int() with base 10: '1.5'");
        assert_eq!(int("").unwrap_err().to_string(), "invalid literal for int() with base 10: ''");
        assert!(int("1__0").is_err());
        assert!(int("_1").is_err());
    }

    #[test]
    fn float_like_python() {
        assert_eq!(float("1.5").unwrap(), Value::from(1.5));
        assert_eq!(float(" 2 ").unwrap(), Value::from(2.0));
        assert_eq!(float("1e3").unwrap(), Value::from(1000.0));
        assert_eq!(float("x").unwrap_err().to_string(), "could not convert string to float: 'x'");
    }
}
