//! The restJson1 protocol, generic over the generated HTTP bindings: an input document becomes a
//! request (labels, query string, headers, JSON body), and a response becomes an output document
//! or a service error.

use std::fmt::Write as _;

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde_json::{Map, Value};

use crate::model::{Kind, Location, Member, Operation, Shape, TimestampFormat};

/// A serialized request, before endpoint and signing.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    /// Path and query string, percent-encoded (`/users/a%2Fb/x?maxResults=5`).
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The JSON body; `None` when the operation has no body members.
    pub body: Option<Vec<u8>>,
}

/// Why an input document cannot become a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeError {
    #[error("Missing required URI label: {0}")]
    MissingLabel(String),
    #[error("Invalid timestamp for parameter {name}: {value}")]
    Timestamp { name: String, value: String },
    #[error("Parameter {name} cannot be sent in {location}: {value}")]
    Unsupported { name: String, location: &'static str, value: String },
}

/// Percent-encodes every byte but the unreserved `A-Z a-z 0-9 - . _ ~`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Serializes a validated input document for `op`.
pub fn serialize(op: &Operation, input: &Map<String, Value>) -> Result<Request, SerializeError> {
    let members = op.input.map_or(&[][..], |s| s.members());
    let (path_template, static_query) = op.http.uri.split_once('?').map_or((op.http.uri, None), |(p, q)| (p, Some(q)));

    let mut target = String::with_capacity(path_template.len() + 32);
    let mut rest = path_template;
    while let Some(start) = rest.find('{') {
        target.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let label = &rest[start + 1..end];
        let member = members.iter().find(|m| m.name == label);
        let value = match (member, input.get(label)) {
            (Some(m), Some(v)) => scalar_text(m, v, TimestampFormat::DateTime)?,
            _ => return Err(SerializeError::MissingLabel(label.to_owned())),
        };
        target.push_str(&percent_encode(&value));
        rest = rest.get(end + 1..).unwrap_or("");
    }
    target.push_str(rest);

    let mut query: Vec<String> = static_query.map(|q| q.split('&').map(str::to_owned).collect()).unwrap_or_default();
    // botocore writes `?` whenever a query member is set, even to an empty list.
    let mut query_set = static_query.is_some();
    let mut headers = Vec::new();
    let mut body = Map::new();
    for m in members {
        let Some(value) = input.get(m.name) else { continue };
        if value.is_null() {
            continue;
        }
        match m.location {
            Location::Label => {}
            Location::Query(name) => {
                query_set = true;
                let items = match value {
                    Value::Array(items) => items.as_slice(),
                    single => std::slice::from_ref(single),
                };
                for item in items {
                    let text = scalar_text(m, item, TimestampFormat::DateTime)?;
                    query.push(format!("{}={}", percent_encode(name), percent_encode(&text)));
                }
            }
            Location::Header(name) => {
                let text = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| scalar_text(m, i, TimestampFormat::HttpDate))
                        .collect::<Result<Vec<_>, _>>()?
                        .join(","),
                    _ => scalar_text(m, value, TimestampFormat::HttpDate)?,
                };
                headers.push((name.to_owned(), text));
            }
            Location::Body => {
                body.insert(m.name.to_owned(), body_value(m.target, value, m.name)?);
            }
        }
    }
    if query_set {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    let has_body_members = members.iter().any(|m| m.location == Location::Body);
    let body = if has_body_members {
        headers.insert(0, ("content-type".to_owned(), "application/json".to_owned()));
        Some(serde_json::to_vec(&Value::Object(body)).unwrap_or_default())
    } else {
        None
    };
    Ok(Request { method: op.http.method, target, headers, body })
}

/// The text of a scalar for a label, query string or header.
fn scalar_text(m: &Member, value: &Value, default_ts: TimestampFormat) -> Result<String, SerializeError> {
    let shape = match m.target.kind {
        Kind::List(element) => element,
        _ => m.target,
    };
    match (&shape.kind, value) {
        (Kind::Timestamp(format), v) => {
            let format = if *format == TimestampFormat::Default { default_ts } else { *format };
            format_timestamp(&parse_timestamp(v, m.name)?, format, m.name)
        }
        (_, Value::String(s)) => Ok(s.clone()),
        (_, Value::Bool(b)) => Ok(b.to_string()),
        (_, Value::Number(n)) => Ok(n.to_string()),
        (_, other) => Err(SerializeError::Unsupported {
            name: m.name.to_owned(),
            location: "the URI or a header",
            value: other.to_string(),
        }),
    }
}

/// A body value: structures in model order, timestamps as epoch seconds.
fn body_value(shape: &'static Shape, value: &Value, name: &str) -> Result<Value, SerializeError> {
    Ok(match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => {
            let mut out = Map::with_capacity(map.len());
            for m in members.iter() {
                if let Some(v) = map.get(m.name).filter(|v| !v.is_null()) {
                    out.insert(m.name.to_owned(), body_value(m.target, v, m.name)?);
                }
            }
            Value::Object(out)
        }
        (Kind::List(element), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| body_value(element, i, name)).collect::<Result<_, _>>()?)
        }
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                out.insert(k.clone(), body_value(v_shape, v, name)?);
            }
            Value::Object(out)
        }
        (Kind::Timestamp(format), v) => {
            let dt = parse_timestamp(v, name)?;
            match format {
                TimestampFormat::Default | TimestampFormat::EpochSeconds => epoch_value(&dt),
                other => Value::String(format_timestamp(&dt, *other, name)?),
            }
        }
        (_, v) => v.clone(),
    })
}

fn epoch_value(dt: &DateTime) -> Value {
    if dt.subsec_nanos() == 0 {
        Value::from(dt.secs())
    } else {
        // botocore rounds to milliseconds.
        let millis = (dt.subsec_nanos() as f64 / 1e6).round() / 1e3;
        Value::from(dt.secs() as f64 + millis)
    }
}

/// Reads a timestamp as the AWS CLI accepts one: epoch seconds (number or text) or ISO 8601.
pub fn parse_timestamp(value: &Value, name: &str) -> Result<DateTime, SerializeError> {
    let bad = || SerializeError::Timestamp { name: name.to_owned(), value: value.to_string() };
    match value {
        Value::Number(n) => n.as_f64().map(DateTime::from_secs_f64).ok_or_else(bad),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(secs) = s.parse::<f64>() {
                return Ok(DateTime::from_secs_f64(secs));
            }
            // Complete a date or a zone-less time to UTC, as dateutil would read them.
            let candidate = if s.len() == 10 {
                format!("{s}T00:00:00Z")
            } else if s.contains('T') && !s.ends_with(['Z', 'z']) && !has_offset(s) {
                format!("{s}Z")
            } else {
                s.replace(' ', "T")
            };
            DateTime::from_str(&candidate, Format::DateTime).map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

fn has_offset(s: &str) -> bool {
    let time = s.split_once('T').map_or("", |(_, t)| t);
    time.contains(['+', '-'])
}

fn format_timestamp(dt: &DateTime, format: TimestampFormat, name: &str) -> Result<String, SerializeError> {
    let bad = |_| SerializeError::Timestamp { name: name.to_owned(), value: format!("{dt:?}") };
    match format {
        TimestampFormat::EpochSeconds => Ok(epoch_value(dt).to_string()),
        TimestampFormat::HttpDate => dt.fmt(Format::HttpDate).map_err(bad),
        TimestampFormat::DateTime | TimestampFormat::Default => dt.fmt(Format::DateTime).map_err(bad),
    }
}

/// A service error read from a response.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    /// The error code, cleaned as restJson1 says (`ResourceNotFoundException`).
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub status: u16,
    /// Members of the modeled error shape other than the message, in model order.
    pub details: Vec<(String, Value)>,
}

/// Cleans a raw error code: what precedes the first `:`, then what follows the last `#`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let s = raw.split(':').next().unwrap_or(raw);
    s.rsplit('#').next().unwrap_or(s).trim()
}

/// Reads an error response of `op`: the code from `X-Amzn-ErrorType`, the body's `code`, or its
/// `__type`; the message from `message`, `Message` or `errorMessage`.
pub fn parse_error(op: &Operation, status: u16, headers: &[(String, String)], body: &[u8]) -> ServiceError {
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let doc: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let text = |key: &str| doc.get(key).and_then(Value::as_str);
    let raw_code = header("x-amzn-errortype").or_else(|| text("code")).or_else(|| text("__type"));
    let code = match raw_code {
        Some(raw) if !sanitize_error_code(raw).is_empty() => sanitize_error_code(raw).to_owned(),
        // botocore falls back to the status code.
        _ => status.to_string(),
    };
    let message = text("message").or_else(|| text("Message")).or_else(|| text("errorMessage")).unwrap_or("").to_owned();
    let details = op
        .errors
        .iter()
        .find(|e| e.name == code)
        .map(|shape| {
            shape
                .members()
                .iter()
                .filter(|m| !m.name.eq_ignore_ascii_case("message"))
                .filter_map(|m| doc.get(m.name).map(|v| (m.name.to_owned(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    ServiceError { code, message, request_id: header("x-amzn-requestid").map(str::to_owned), status, details }
}

/// Reads a successful response: the JSON body, plus members bound to headers. An operation
/// without output gives an empty document.
pub fn parse_output(op: &Operation, headers: &[(String, String)], body: &[u8]) -> Result<Map<String, Value>, String> {
    let Some(shape) = op.output else { return Ok(Map::new()) };
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            Ok(other) => return Err(format!("expected a JSON object in the response, got {other}")),
            Err(e) => return Err(format!("the response is not JSON: {e}")),
        }
    };
    // As botocore: members bound to headers first, then the body's, each in model order; only
    // modeled members; timestamps as the AWS CLI prints them (ISO 8601).
    let mut doc = Map::new();
    for m in shape.members() {
        if let Location::Header(name) = m.location {
            if let Some((_, v)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                let value = match m.target.kind {
                    Kind::Timestamp(_) => match DateTime::from_str(v, Format::HttpDate) {
                        Ok(dt) => Value::String(iso8601(&dt)),
                        Err(_) => Value::String(v.clone()),
                    },
                    Kind::Integer | Kind::Long => v.parse::<i64>().map(Value::from).unwrap_or(Value::String(v.clone())),
                    Kind::Boolean => Value::Bool(v.eq_ignore_ascii_case("true")),
                    _ => Value::String(v.clone()),
                };
                doc.insert(m.name.to_owned(), value);
            }
        }
    }
    for m in shape.members() {
        if m.location == Location::Body {
            if let Some(v) = body.get(m.name) {
                doc.insert(m.name.to_owned(), output_value(m.target, v));
            }
        }
    }
    Ok(doc)
}

/// A response value as botocore parses it: modeled members only, in model order, timestamps as
/// ISO 8601 text.
pub fn output_value(shape: &'static Shape, value: &Value) -> Value {
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => Value::Object(
            members
                .iter()
                .filter_map(|m| map.get(m.name).map(|v| (m.name.to_owned(), output_value(m.target, v))))
                .collect(),
        ),
        (Kind::List(element), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| output_value(element, i)).collect())
        }
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), output_value(v_shape, v))).collect())
        }
        (Kind::Timestamp(_), v @ (Value::Number(_) | Value::String(_))) => match parse_timestamp(v, shape.name) {
            Ok(dt) => Value::String(iso8601(&dt)),
            Err(_) => v.clone(),
        },
        (_, v) => v.clone(),
    }
}

/// Python's `datetime.isoformat()` of a time in the local time zone, as the AWS CLI prints
/// response timestamps: `2024-01-02T03:04:05+00:00`, with microseconds when there are any.
pub fn iso8601(dt: &DateTime) -> String {
    let secs = dt.secs();
    let micros = ((dt.subsec_nanos() as f64) / 1000.0).round() as i64;
    let (secs, micros) = if micros >= 1_000_000 { (secs + 1, 0) } else { (secs, micros) };
    let offset = local_offset(secs);
    let whole = DateTime::from_secs(secs + offset).fmt(Format::DateTime).unwrap_or_default();
    let base = whole.trim_end_matches('Z');
    let sign = if offset < 0 { '-' } else { '+' };
    let zone = format!("{sign}{:02}:{:02}", offset.abs() / 3600, offset.abs() % 3600 / 60);
    if micros == 0 { format!("{base}{zone}") } else { format!("{base}.{micros:06}{zone}") }
}

/// The local time zone's offset from UTC at `secs`, in seconds (`TZ`, else the system's zone).
#[cfg(unix)]
// `time_t` and `c_long` are 64 bits here but not on every Unix.
#[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
// The libc crate marks musl's `time_t` deprecated, as a warning that it is to become 64 bits.
#[cfg_attr(target_env = "musl", allow(deprecated))]
fn local_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: an all-zero `tm` is a valid value for localtime_r to fill in; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return 0;
    }
    i64::from(tm.tm_gmtoff)
}

#[cfg(not(unix))]
fn local_offset(_secs: i64) -> i64 {
    0
}

/// A copy of `value` with every `@sensitive` value replaced, for logs.
pub fn redact(shape: &'static Shape, value: &Value) -> Value {
    const REDACTED: &str = "*** Sensitive Data Redacted ***";
    if shape.sensitive {
        return Value::String(REDACTED.to_owned());
    }
    match (&shape.kind, value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match members.iter().find(|m| m.name == k) {
                        Some(m) => redact(m.target, v),
                        None => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        (Kind::List(element), Value::Array(items)) => Value::Array(items.iter().map(|i| redact(element, i)).collect()),
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), redact(v_shape, v))).collect())
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_encode_everything_but_unreserved() {
        assert_eq!(percent_encode("a1-._~"), "a1-._~");
        assert_eq!(percent_encode("a/b c+ü"), "a%2Fb%20c%2B%C3%BC");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn error_codes_are_cleaned() {
        assert_eq!(sanitize_error_code("FooError"), "FooError");
        assert_eq!(sanitize_error_code("FooError:http://internal/"), "FooError");
        assert_eq!(sanitize_error_code("aws.protocoltests.restjson#FooError"), "FooError");
        assert_eq!(sanitize_error_code("aws.protocoltests.restjson#FooError:http://internal/"), "FooError");
    }

    #[test]
    fn timestamps() {
        let ts = |s: &str| parse_timestamp(&Value::String(s.into()), "T").unwrap().secs();
        assert_eq!(ts("2020-01-02T03:04:05Z"), 1577934245);
        assert_eq!(ts("2020-01-02T03:04:05"), 1577934245);
        assert_eq!(ts("2020-01-02"), 1577923200);
        assert_eq!(ts("1577934245"), 1577934245);
        assert!(parse_timestamp(&Value::String("soon".into()), "T").is_err());
    }

    #[test]
    fn output_timestamps_as_python_isoformat() {
        // datetime.fromtimestamp(v, tzutc()).isoformat() for the same values.
        let iso = |v: Value| iso8601(&parse_timestamp(&v, "T").unwrap());
        assert_eq!(iso(Value::from(1577934245)), "2020-01-02T03:04:05+00:00");
        assert_eq!(iso(Value::from(1577934245.5)), "2020-01-02T03:04:05.500000+00:00");
        assert_eq!(iso(Value::from(1577934245.123)), "2020-01-02T03:04:05.123000+00:00");
        assert_eq!(iso(Value::from(0)), "1970-01-01T00:00:00+00:00");
    }
}
