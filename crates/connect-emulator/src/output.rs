//! Answers: model-valid documents generated from an output shape, fitting of stored values to a
//! shape, the restJson1 response of an output document, and the service's error responses.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use connect_core::model::{Bounds, Kind, Location, Operation, Shape, TimestampFormat};
use serde_json::{Map, Value, json};

/// What generated values are made of: the caller's scope and a source of ids.
pub struct Context<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub now: i64,
    pub ids: &'a mut dyn FnMut() -> String,
}

/// An HTTP answer, before it is written.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The error code, for the log; `None` for a success.
    pub error: Option<String>,
}

const MAX_DEPTH: usize = 8;

/// A value of `shape`: required members always, optional ones near the top, lists and maps with
/// one entry near the top (or their minimum), strings fitting their length, numbers their range.
pub fn generate(shape: &'static Shape, name: &str, cx: &mut Context<'_>, depth: usize) -> Value {
    match shape.kind() {
        Kind::String => Value::String(fit_length(string_for(name, cx), shape.length())),
        Kind::Enum(values) => Value::String(values.first().map_or("", |v| v.value()).to_owned()),
        Kind::Integer | Kind::Long => json!(number_in(shape.range(), 1.0) as i64),
        Kind::Float | Kind::Double => json!(number_in(shape.range(), 1.0)),
        Kind::Boolean => Value::Bool(false),
        Kind::Timestamp(format) => timestamp(cx.now, format),
        Kind::Structure(members) => {
            let mut map = Map::new();
            for m in members {
                if m.required() || (depth < 2 && !recursive(m.target(), shape)) {
                    if depth >= MAX_DEPTH && !m.required() {
                        continue;
                    }
                    map.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, depth + 1));
                }
            }
            Value::Object(map)
        }
        Kind::Union(members) => {
            // The first member that is not the union itself again.
            let m = members.iter().find(|m| !recursive(m.target(), shape)).unwrap_or(&members[0]);
            let mut map = Map::new();
            map.insert(m.name().to_owned(), generate(m.target(), m.name(), cx, depth + 1));
            Value::Object(map)
        }
        Kind::List(element) => {
            let min = shape.length().and_then(|b| b.min).unwrap_or(0.0) as usize;
            let n = if depth < 2 { min.max(1) } else { min };
            Value::Array((0..n).map(|_| generate(element, name, cx, depth + 1)).collect())
        }
        Kind::Map { key, value } => {
            let min = shape.length().and_then(|b| b.min).unwrap_or(0.0) as usize;
            let n = if depth < 2 { min.max(1) } else { min };
            let mut map = Map::new();
            let keys: Vec<String> = match key.kind() {
                Kind::Enum(values) => values.iter().map(|v| v.value().to_owned()).collect(),
                _ => (0..n).map(|i| fit_length(format!("key{}", i + 1), key.length())).collect(),
            };
            for k in keys.into_iter().take(n) {
                map.insert(k, generate(value, name, cx, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// Whether `shape` leads straight back to `parent` (a recursive member).
fn recursive(shape: &'static Shape, parent: &'static Shape) -> bool {
    let inner = match shape.kind() {
        Kind::List(e) => e,
        Kind::Map { value, .. } => value,
        _ => shape,
    };
    std::ptr::eq(inner, parent)
}

fn string_for(name: &str, cx: &mut Context<'_>) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("arn") {
        format!("arn:aws:connect:{}:{}:instance/{}", cx.region, cx.account, (cx.ids)())
    } else if lower.ends_with("id") || lower.ends_with("ids") {
        (cx.ids)()
    } else if lower.contains("email") {
        "user@example.com".into()
    } else if lower.contains("region") {
        cx.region.to_owned()
    } else if lower.contains("url") {
        "https://example.com/".into()
    } else if lower.contains("name") || lower.contains("alias") {
        "example-name".into()
    } else {
        "example".into()
    }
}

fn fit_length(mut s: String, length: Option<Bounds>) -> String {
    let Some(b) = length else { return s };
    let count = s.chars().count();
    if let Some(min) = b.min.map(|m| m as usize).filter(|m| count < *m) {
        s.extend(std::iter::repeat_n('x', min - count));
    }
    if let Some(max) = b.max.map(|m| m as usize).filter(|m| count > *m) {
        s = s.chars().take(max).collect();
    }
    s
}

fn number_in(range: Option<Bounds>, preferred: f64) -> f64 {
    let Some(b) = range else { return preferred };
    let mut n = preferred;
    if let Some(min) = b.min.filter(|m| n < *m) {
        n = min.ceil();
    }
    if let Some(max) = b.max.filter(|m| n > *m) {
        n = max.floor();
    }
    n
}

/// A timestamp in the body form of its format.
pub fn timestamp(secs: i64, format: TimestampFormat) -> Value {
    let dt = DateTime::from_secs(secs);
    match format {
        TimestampFormat::Default | TimestampFormat::EpochSeconds => json!(secs),
        TimestampFormat::DateTime => Value::String(dt.fmt(Format::DateTime).unwrap_or_default()),
        TimestampFormat::HttpDate => Value::String(dt.fmt(Format::HttpDate).unwrap_or_default()),
    }
}

/// `value` as a valid value of `shape`, with members the shape does not have dropped; `None`
/// when it does not fit (wrong type, out of bounds, a union without exactly one member).
pub fn conform(shape: &'static Shape, value: &Value) -> Option<Value> {
    let within =
        |n: f64, b: Option<Bounds>| b.is_none_or(|b| b.min.is_none_or(|m| n >= m) && b.max.is_none_or(|m| n <= m));
    match (&shape.kind(), value) {
        (Kind::String, Value::String(s)) => within(s.chars().count() as f64, shape.length()).then(|| value.clone()),
        (Kind::Enum(values), Value::String(s)) => values.iter().any(|v| v.value() == s).then(|| value.clone()),
        (Kind::Integer | Kind::Long, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            within(n.as_f64()?, shape.range()).then(|| value.clone())
        }
        (Kind::Float | Kind::Double, Value::Number(n)) => within(n.as_f64()?, shape.range()).then(|| value.clone()),
        (Kind::Boolean, Value::Bool(_)) => Some(value.clone()),
        (Kind::Timestamp(format), Value::Number(n)) => Some(timestamp(n.as_f64()? as i64, *format)),
        (Kind::Structure(members), Value::Object(map)) => {
            let mut out = Map::new();
            for m in members.iter() {
                match map.get(m.name()).and_then(|v| conform(m.target(), v)) {
                    Some(v) => {
                        out.insert(m.name().to_owned(), v);
                    }
                    None if m.required() => return None,
                    None => {}
                }
            }
            Some(Value::Object(out))
        }
        (Kind::Union(members), Value::Object(map)) => {
            let set: Vec<_> =
                members.iter().filter_map(|m| Some((m.name(), conform(m.target(), map.get(m.name())?)?))).collect();
            match &set[..] {
                [(name, v)] => Some(json!({ *name: v })),
                _ => None,
            }
        }
        (Kind::List(element), Value::Array(items)) => {
            let items: Vec<Value> = items.iter().map(|i| conform(element, i)).collect::<Option<_>>()?;
            within(items.len() as f64, shape.length()).then_some(Value::Array(items))
        }
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => {
            let out: Map<String, Value> =
                map.iter().map(|(k, v)| Some((k.clone(), conform(v_shape, v)?))).collect::<Option<_>>()?;
            within(out.len() as f64, shape.length()).then_some(Value::Object(out))
        }
        _ => None,
    }
}

/// The success answer of `op` for an output document: header members as headers, the rest as the
/// JSON body.
pub fn success(op: &Operation, doc: Map<String, Value>) -> Answer {
    let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let mut body = Map::new();
    let members = op.output().map_or(&[][..], |s| s.members());
    for (k, v) in doc {
        match members.iter().find(|m| m.name() == k).map(|m| (m, m.location())) {
            Some((m, Location::Header(name))) => {
                let text = match (&m.target().kind(), &v) {
                    (Kind::Timestamp(_), Value::Number(n)) => {
                        DateTime::from_secs(n.as_f64().unwrap_or(0.0) as i64).fmt(Format::HttpDate).unwrap_or_default()
                    }
                    (_, Value::String(s)) => s.clone(),
                    (_, other) => other.to_string(),
                };
                headers.push((name.to_owned(), text));
            }
            _ => {
                body.insert(k, v);
            }
        }
    }
    Answer {
        status: op.http().code,
        headers,
        body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
        error: None,
    }
}

/// An error answer: `x-amzn-errortype` and a JSON body with the message.
pub fn error(status: u16, code: &str, message: &str) -> Answer {
    Answer {
        status,
        headers: vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-amzn-errortype".to_owned(), code.to_owned()),
        ],
        body: serde_json::to_vec(&json!({ "Message": message })).unwrap_or_default(),
        error: Some(code.to_owned()),
    }
}

/// An error answer whose body has members beside the message (as the error shape models them).
pub fn error_with(status: u16, code: &str, message: &str, members: &[(&str, Value)]) -> Answer {
    let mut answer = error(status, code, message);
    let mut body = Map::new();
    body.insert("Message".into(), json!(message));
    for (k, v) in members {
        body.insert((*k).to_owned(), v.clone());
    }
    answer.body = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
    answer
}

/// The first of `names` that `op` models as an error, with its HTTP status; the last name (with
/// `fallback_status`) when it models none of them.
pub fn modeled_error(op: &Operation, names: &[&'static str], fallback_status: u16) -> (&'static str, u16) {
    for name in names {
        if let Some(shape) = op.errors().find(|s| s.name() == *name) {
            return (shape.name(), shape.error().map_or(fallback_status, |e| e.http_status));
        }
    }
    (names.last().copied().unwrap_or("InternalServiceException"), fallback_status)
}

/// An error answer with the first of `names` that `op` models.
pub fn op_error(op: &Operation, names: &[&'static str], fallback_status: u16, message: &str) -> Answer {
    let (code, status) = modeled_error(op, names, fallback_status);
    error(status, code, message)
}

/// The client-error names tried, in order, for an invalid input.
pub const INVALID_INPUT: &[&str] = &["InvalidParameterException", "InvalidRequestException", "ValidationException"];
/// For a missing resource.
pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];
/// For a request over the quota.
pub const THROTTLED: &[&str] = &["ThrottlingException", "TooManyRequestsException", "ThrottlingException"];
/// For an injected fault.
pub const FAULT: &[&str] = &["InternalServiceException", "ServiceUnavailableException", "InternalServiceException"];
