//! JSON text exactly as the AWS CLI (Python's `json.dumps`) writes it: 4-space indentation,
//! `", "`-free separators when indenting, Python's float notation and string escapes.

use std::fmt::Write as _;

use serde_json::Value;

/// Options of Python's `json.dumps` that the AWS CLI varies.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Escape every non-ASCII character as `\uXXXX` (the skeleton does, command output does not).
    pub ensure_ascii: bool,
}

/// `json.dumps(value, indent=4)` with a trailing newline, as the AWS CLI prints documents.
pub fn to_pretty(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0, style);
    out.push('\n');
    out
}

/// `json.dumps(value)` without indentation: Python's default `", "` and `": "` separators.
pub fn to_compact(value: &Value, style: Style) -> String {
    let mut out = String::new();
    write_compact(&mut out, value, style);
    out
}

fn write_compact(out: &mut String, value: &Value, style: Style) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_compact(out, item, style);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, k, style);
                out.push_str(": ");
                write_compact(out, v, style);
            }
            out.push('}');
        }
        scalar => write_value(out, scalar, 0, style),
    }
}

fn write_value(out: &mut String, value: &Value, depth: usize, style: Style) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_f64() {
                out.push_str(&python_float(n.as_f64().unwrap_or(0.0)));
            } else {
                let _ = write!(out, "{n}");
            }
        }
        Value::String(s) => write_string(out, s, style),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_value(out, item, depth + 1, style);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_string(out, k, style);
                out.push_str(": ");
                write_value(out, v, depth + 1, style);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("    ");
    }
}

fn write_string(out: &mut String, s: &str, style: Style) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if style.ensure_ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest round-trip digits, in positional notation when the decimal
/// exponent is in `-4..16`, else `d.ddde+XX`.
pub fn python_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_as_python_repr() {
        // Expected values are Python's repr() of the same floats.
        let cases = [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (1.5, "1.5"),
            (100.0, "100.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.6, "123456789012345.6"),
            (-2.5e-7, "-2.5e-07"),
            (1e100, "1e+100"),
        ];
        for (v, want) in cases {
            assert_eq!(python_float(v), want, "{v}");
        }
    }

    #[test]
    fn pretty_matches_json_dumps_indent_4() {
        // json.dumps({"a": {"b": [1, 2.0, "x\u00e9"], "c": {}, "d": []}, "e": True}, indent=4)
        let v = json!({"a": {"b": [1, 2.0, "x\u{e9}"], "c": {}, "d": []}, "e": true});
        let want = "{\n    \"a\": {\n        \"b\": [\n            1,\n            2.0,\n            \"x\\u00e9\"\n        ],\n        \"c\": {},\n        \"d\": []\n    },\n    \"e\": true\n}\n";
        assert_eq!(to_pretty(&v, Style { ensure_ascii: true }), want);
        assert!(to_pretty(&v, Style { ensure_ascii: false }).contains("\"x\u{e9}\""));
    }

    #[test]
    fn compact_matches_json_dumps() {
        // json.dumps({"NextToken": None, "a": [1, "é"], "b": {}})
        let v = json!({"NextToken": null, "a": [1, "é"], "b": {}});
        assert_eq!(to_compact(&v, Style { ensure_ascii: true }), r#"{"NextToken": null, "a": [1, "\u00e9"], "b": {}}"#);
    }

    #[test]
    fn escapes() {
        let v = json!("q\"b\\n\n\u{1}\u{1F600}");
        assert_eq!(to_pretty(&v, Style { ensure_ascii: true }), "\"q\\\"b\\\\n\\n\\u0001\\ud83d\\ude00\"\n");
    }
}
