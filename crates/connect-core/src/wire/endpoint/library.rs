//! The rule set's function library: calls dispatched by name with their arguments checked, and
//! the functions small enough to live beside the dispatch (`isSet`, `not`, `booleanEquals`,
//! `stringEquals`, `getAttr`, `substring`, `uriEncode`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::aws::{is_virtual_hostable_s3_bucket, parse_arn};
use super::url::{is_valid_host_label, parse_url};
use super::{EndpointError, Result, eval_error};

/// One step of a `getAttr` path.
#[derive(Debug, PartialEq, Eq)]
enum PathPart<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parses a `getAttr` path such as `name`, `a.b` or `resourceId[0]`.
fn parse_path(path: &str) -> Result<Vec<PathPart<'_>>> {
    let bad = || eval_error(format!("invalid getAttr path {path:?}"));
    let mut parts = Vec::new();
    for segment in path.split('.') {
        let (key, mut indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            parts.push(PathPart::Key(key));
        } else if indexes.is_empty() {
            return Err(bad());
        }
        while !indexes.is_empty() {
            let close = indexes.find(']').ok_or_else(bad)?;
            let digits = indexes.get(1..close).ok_or_else(bad)?;
            if !indexes.starts_with('[') || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            parts.push(PathPart::Index(digits.parse().map_err(|_| bad())?));
            indexes = &indexes[close + 1..];
        }
    }
    Ok(parts)
}

/// `getAttr`: follows `path` into records and arrays; a missing key or an index out of range
/// gives "not set".
pub(super) fn get_attr(value: &Value, path: &str) -> Result<Value> {
    let mut current = value;
    for part in parse_path(path)? {
        let next = match (part, current) {
            (PathPart::Key(k), Value::Object(o)) => o.get(k),
            (PathPart::Index(i), Value::Array(a)) => a.get(i),
            (_, Value::Null) => None,
            (part, other) => return Err(eval_error(format!("getAttr {part:?} on {other}"))),
        };
        match next {
            Some(v) => current = v,
            None => return Ok(Value::Null),
        }
    }
    Ok(current.clone())
}

fn arity(f: &str, args: &[Value], n: usize) -> Result<()> {
    if args.len() == n { Ok(()) } else { Err(eval_error(format!("{f} takes {n} argument(s), got {}", args.len()))) }
}

fn arg_str<'a>(f: &str, args: &'a [Value], i: usize) -> Result<&'a str> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        other => Err(eval_error(format!("argument {} of {f} is not a string: {other:?}", i + 1))),
    }
}

fn arg_bool(f: &str, args: &[Value], i: usize) -> Result<bool> {
    match args.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        other => Err(eval_error(format!("argument {} of {f} is not a boolean: {other:?}", i + 1))),
    }
}

fn arg_index(f: &str, args: &[Value], i: usize) -> Result<usize> {
    args.get(i)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| eval_error(format!("argument {} of {f} is not a non-negative integer", i + 1)))
}

fn opt_string(s: Option<String>) -> Value {
    s.map(Value::String).unwrap_or(Value::Null)
}

/// Calls a library function on evaluated arguments.
pub(super) fn call(f: &str, args: &[Value]) -> Result<Value> {
    match f {
        "isSet" => {
            arity(f, args, 1)?;
            Ok(Value::Bool(!args[0].is_null()))
        }
        "not" => {
            arity(f, args, 1)?;
            Ok(Value::Bool(!arg_bool(f, args, 0)?))
        }
        "booleanEquals" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(arg_bool(f, args, 0)? == arg_bool(f, args, 1)?))
        }
        "stringEquals" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(arg_str(f, args, 0)? == arg_str(f, args, 1)?))
        }
        "getAttr" => {
            arity(f, args, 2)?;
            get_attr(&args[0], arg_str(f, args, 1)?)
        }
        "substring" => {
            arity(f, args, 4)?;
            let input = arg_str(f, args, 0)?;
            let (start, stop) = (arg_index(f, args, 1)?, arg_index(f, args, 2)?);
            Ok(opt_string(substring(input, start, stop, arg_bool(f, args, 3)?).map(str::to_string)))
        }
        "uriEncode" => {
            arity(f, args, 1)?;
            Ok(Value::String(uri_encode(arg_str(f, args, 0)?)))
        }
        "parseURL" => {
            arity(f, args, 1)?;
            Ok(parse_url(arg_str(f, args, 0)?).map(|u| u.to_value()).unwrap_or(Value::Null))
        }
        "isValidHostLabel" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(is_valid_host_label(arg_str(f, args, 0)?, arg_bool(f, args, 1)?)))
        }
        "aws.partition" => {
            arity(f, args, 1)?;
            Ok(super::partitions::partition_for(arg_str(f, args, 0)?).outputs())
        }
        "aws.parseArn" => {
            arity(f, args, 1)?;
            Ok(parse_arn(arg_str(f, args, 0)?).map(|a| a.to_value()).unwrap_or(Value::Null))
        }
        "aws.isVirtualHostableS3Bucket" => {
            arity(f, args, 2)?;
            Ok(Value::Bool(is_virtual_hostable_s3_bucket(arg_str(f, args, 0)?, arg_bool(f, args, 1)?)))
        }
        other => Err(EndpointError::UnknownFunction(other.to_string())),
    }
}

/// `substring`: the characters `start..stop` of an ASCII string, counted from the end when
/// `reverse`; `None` when the range is empty or out of bounds or the input is not ASCII.
pub fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if start >= stop || stop > input.len() || !input.is_ascii() {
        return None;
    }
    let (from, to) = if reverse { (input.len() - stop, input.len() - start) } else { (start, stop) };
    input.get(from..to)
}

/// What `uriEncode` encodes: every byte but the unreserved characters of RFC 3986 (ASCII letters,
/// digits, `-`, `.`, `_`, `~`), as the Smithy rules' `uriEncode` specifies. Bytes beyond ASCII
/// (UTF-8) are always encoded.
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `uriEncode`: percent-encodes the UTF-8 bytes of `input` (upper-case hex digits), all but the
/// RFC 3986 unreserved characters.
pub fn uri_encode(input: &str) -> String {
    utf8_percent_encode(input, URI_ENCODE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_attr_paths() {
        let v = json!({"name": "aws", "a": {"b": 1}, "r": ["x", "y"], "n": [[1, 2]]});
        assert_eq!(get_attr(&v, "name").unwrap(), json!("aws"));
        assert_eq!(get_attr(&v, "a.b").unwrap(), json!(1));
        assert_eq!(get_attr(&v, "r[0]").unwrap(), json!("x"));
        assert_eq!(get_attr(&v, "r[1]").unwrap(), json!("y"));
        assert_eq!(get_attr(&v, "r[2]").unwrap(), Value::Null);
        assert_eq!(get_attr(&v, "n[0][1]").unwrap(), json!(2));
        assert_eq!(get_attr(&v, "missing").unwrap(), Value::Null);
        assert_eq!(get_attr(&v, "missing.deeper").unwrap(), Value::Null);
        assert_eq!(get_attr(&json!(["p"]), "[0]").unwrap(), json!("p"));
        for bad in ["", "a.", "r[", "r[x]", "r[]", "r[0]x", "r[-1]", "r[99999999999999999999999]"] {
            assert!(get_attr(&v, bad).is_err(), "{bad}");
        }
        assert!(get_attr(&v, "name.x").is_err());
        assert!(get_attr(&v, "a[0]").is_err());
    }

    #[test]
    fn functions() {
        assert_eq!(substring("abcdef", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdef", 0, 4, true), Some("cdef"));
        assert_eq!(substring("abcdef", 4, 4, false), None);
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abcdé", 0, 2, false), None);
        assert_eq!(uri_encode("a b/c~_.-é"), "a%20b%2Fc~_.-%C3%A9");
        assert_eq!(call("not", &[json!(true)]).unwrap(), json!(false));
        assert_eq!(call("isSet", &[Value::Null]).unwrap(), json!(false));
        assert_eq!(call("stringEquals", &[json!("a"), json!("a")]).unwrap(), json!(true));
        assert_eq!(call("substring", &[json!("abcdef"), json!(1), json!(3), json!(false)]).unwrap(), json!("bc"));
        assert_eq!(call("substring", &[json!("ab"), json!(1), json!(3), json!(false)]).unwrap(), Value::Null);
        assert_eq!(call("aws.partition", &[json!("cn-north-1")]).unwrap()["dnsSuffix"], json!("amazonaws.com.cn"));
        assert_eq!(call("aws.parseArn", &[json!("arn:aws:s3:r:a:b/c")]).unwrap()["resourceId"], json!(["b", "c"]));
        assert_eq!(call("parseURL", &[json!("https://h/p")]).unwrap()["normalizedPath"], json!("/p/"));
        assert_eq!(call("fancy", &[]), Err(EndpointError::UnknownFunction("fancy".into())));
        assert!(matches!(call("not", &[]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(call("not", &[Value::Null]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(call("booleanEquals", &[json!("x"), json!(true)]), Err(EndpointError::Evaluation(_))));
        assert!(matches!(
            call("substring", &[json!("x"), json!(-1), json!(1), json!(false)]),
            Err(EndpointError::Evaluation(_))
        ));
    }
}
