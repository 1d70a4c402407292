//! Python's notation for values, as the AWS CLI's messages show them: `repr()` of strings, and
//! `int()` / `float()` of command-line text with their error texts.

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// Python's `repr()` of a string: single quotes unless the text has a `'` and no `"`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !is_printable(c) => {
                let code = c as u32;
                let _ = if code <= 0xff {
                    write!(out, "\\x{code:02x}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04x}")
                } else {
                    write!(out, "\\U{code:08x}")
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character, approximated by Unicode's control, format,
/// separator and unassigned categories that matter in practice.
fn is_printable(c: char) -> bool {
    let code = c as u32;
    !(matches!(code, 0x80..=0xa0 | 0xad | 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064)
        || matches!(code, 0xfeff | 0xfff9..=0xfffb | 0xd800..=0xdfff | 0xe000..=0xf8ff)
        || c.is_whitespace() && c != ' ')
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
