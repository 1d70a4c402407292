//! The restJson1 protocol, generic over the generated HTTP bindings: an input document becomes a
//! request (labels, query string, headers, JSON body), and a response becomes an output document
//! or a service error.

use serde_json::{Map, Value};

use crate::compat::json_dumps::python_float;
use crate::compat::timestamp::{self as compat_timestamp, UtcTime};

use crate::model::{Kind, Location, Member, Operation, Shape, TimestampFormat};

/// A serialized request, before endpoint and signing.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The HTTP method.
    pub method: &'static str,
    /// Path and query string, percent-encoded (`/users/a%2Fb/x?maxResults=5`).
    pub target: String,
    /// Headers from the input's header members, in model order.
    pub headers: Vec<(String, String)>,
    /// The JSON body; `None` when the operation has no body members.
    pub body: Option<Vec<u8>>,
}

/// Why an input document cannot become a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SerializeError {
    /// A member bound to the URI is missing or empty.
    #[error("Missing required URI label: {0}")]
    MissingLabel(String),
    /// A timestamp member's value cannot be read as a timestamp.
    #[error("Invalid timestamp for parameter {name}: {value}")]
    Timestamp {
        /// The member.
        name: String,
        /// The value given.
        value: String,
    },
    /// A value whose type cannot go where the member is bound.
    #[error("Parameter {name} cannot be sent in {location}: {value}")]
    Unsupported {
        /// The member.
        name: String,
        /// Where it is bound (`the URI or a header`).
        location: &'static str,
        /// The value given.
        value: String,
    },
}

/// Percent-encodes every byte but the unreserved `A-Z a-z 0-9 - . _ ~` (the rule's one home is
/// the endpoint rules' `uriEncode`).
pub fn percent_encode(s: &str) -> String {
    crate::wire::endpoint::uri_encode(s)
}

/// Serializes a validated input document for `op`, as botocore's `RestJSONSerializer` does:
/// query parameters, headers and body members (at every depth) in the order the input gives
/// them, which is the order the user wrote them in (see `input::merge`).
pub fn serialize(op: &Operation, input: &Map<String, Value>) -> Result<Request, SerializeError> {
    let members = op.input().map_or(&[][..], |s| s.members());
    let (path_template, static_query) =
        op.http().uri.split_once('?').map_or((op.http().uri, None), |(p, q)| (p, Some(q)));

    let mut target = String::with_capacity(path_template.len() + 32);
    let mut rest = path_template;
    while let Some(start) = rest.find('{') {
        target.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let label = &rest[start + 1..end];
        let member = members.iter().find(|m| m.name() == label);
        let value = match (member, input.get(label)) {
            (Some(m), Some(v)) if !v.is_null() => scalar_text(m, v, TimestampFormat::DateTime)?,
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
    for (key, value) in input {
        let Some(m) = members.iter().find(|m| m.name() == key) else { continue };
        if value.is_null() {
            continue;
        }
        match m.location() {
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
                    // botocore sets no header for an empty list, skips `None`s, and quotes
                    // strings that hold a comma or a double quote.
                    Value::Array(items) if items.is_empty() => continue,
                    Value::Array(items) => items
                        .iter()
                        .filter(|i| !i.is_null())
                        .map(|i| match i {
                            Value::String(s) if s.contains([',', '"']) => Ok(format!("\"{}\"", s.replace('"', "\\\""))),
                            _ => scalar_text(m, i, TimestampFormat::HttpDate),
                        })
                        .collect::<Result<Vec<_>, _>>()?
                        .join(","),
                    _ => scalar_text(m, value, TimestampFormat::HttpDate)?,
                };
                headers.push((name.to_owned(), text));
            }
            Location::Body => {
                body.insert(m.name().to_owned(), body_value(m.target(), value, m.name())?);
            }
        }
    }
    if query_set {
        target.push('?');
        target.push_str(&query.join("&"));
    }
    let has_body_members = members.iter().any(|m| m.location() == Location::Body);
    let body = if has_body_members {
        // botocore adds the content type after the headers bound to members.
        headers.push(("content-type".to_owned(), "application/json".to_owned()));
        Some(serde_json::to_vec(&Value::Object(body)).unwrap_or_default())
    } else {
        None
    };
    Ok(Request { method: op.http().method, target, headers, body })
}

/// The text of a scalar for a label, query string or header. `location_default` is the
/// location's timestamp format: ISO 8601 for labels and query strings, HTTP dates for headers.
fn scalar_text(m: &Member, value: &Value, location_default: TimestampFormat) -> Result<String, SerializeError> {
    let shape = match m.target().kind() {
        Kind::List(element) => element,
        _ => m.target(),
    };
    match (shape.kind(), value) {
        (Kind::Timestamp(format), v) => {
            let mut t = timestamp(v, m.name())?;
            if location_default == TimestampFormat::HttpDate {
                // botocore converts a header's timestamp to whole seconds before formatting it.
                t = UtcTime::new(t.secs(), 0).unwrap_or(t);
            }
            let format = if format == TimestampFormat::Default { location_default } else { format };
            Ok(match format {
                TimestampFormat::EpochSeconds => t.epoch_seconds().to_string(),
                TimestampFormat::HttpDate => t.rfc822(),
                TimestampFormat::DateTime | TimestampFormat::Default => t.iso8601(),
            })
        }
        (_, Value::String(s)) => Ok(s.clone()),
        (_, Value::Bool(b)) => Ok(b.to_string()),
        // Python's `str()` of the number, as botocore writes it.
        (_, Value::Number(n)) if n.is_f64() => Ok(python_float(n.as_f64().unwrap_or_default())),
        (_, Value::Number(n)) => Ok(n.to_string()),
        (_, other) => Err(SerializeError::Unsupported {
            name: m.name().to_owned(),
            location: "the URI or a header",
            value: other.to_string(),
        }),
    }
}

/// A body value: structure members and map entries in the input's order, timestamps in their
/// format (epoch seconds, whole, by default).
fn body_value(shape: &'static Shape, value: &Value, name: &str) -> Result<Value, SerializeError> {
    Ok(match (&shape.kind(), value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                if v.is_null() {
                    continue;
                }
                if let Some(m) = members.iter().find(|m| m.name() == key) {
                    out.insert(m.name().to_owned(), body_value(m.target(), v, m.name())?);
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
            let t = timestamp(v, name)?;
            match format {
                TimestampFormat::Default | TimestampFormat::EpochSeconds => Value::from(t.epoch_seconds()),
                TimestampFormat::DateTime => Value::String(t.iso8601()),
                TimestampFormat::HttpDate => Value::String(t.rfc822()),
            }
        }
        (_, v) => v.clone(),
    })
}

/// Reads a timestamp of the input as botocore does (see [`crate::compat::timestamp`]).
fn timestamp(value: &Value, name: &str) -> Result<UtcTime, SerializeError> {
    compat_timestamp::parse(value)
        .ok_or_else(|| SerializeError::Timestamp { name: name.to_owned(), value: value.to_string() })
}

/// A service error read from a response.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    /// The error code, cleaned as restJson1 says (`ResourceNotFoundException`).
    pub code: String,
    /// The error message, empty when there is none.
    pub message: String,
    /// The request id the service answered with, if any.
    pub request_id: Option<String>,
    /// The HTTP status code.
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
        .errors()
        .find(|e| e.name() == code)
        .map(|shape| {
            shape
                .members()
                .iter()
                .filter(|m| !m.name().eq_ignore_ascii_case("message"))
                .filter_map(|m| doc.get(m.name()).map(|v| (m.name().to_owned(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    ServiceError { code, message, request_id: header("x-amzn-requestid").map(str::to_owned), status, details }
}

/// Reads a successful response: the JSON body, plus members bound to headers. An operation
/// without output gives an empty document.
pub fn parse_output(op: &Operation, headers: &[(String, String)], body: &[u8]) -> Result<Map<String, Value>, String> {
    let Some(shape) = op.output() else { return Ok(Map::new()) };
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
        if let Location::Header(name) = m.location() {
            if let Some((_, v)) = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                let value = match m.target().kind() {
                    Kind::Timestamp(_) => match compat_timestamp::parse(&Value::String(v.clone())) {
                        Some(t) => Value::String(t.isoformat_local()),
                        None => Value::String(v.clone()),
                    },
                    Kind::Integer | Kind::Long => v.parse::<i64>().map(Value::from).unwrap_or(Value::String(v.clone())),
                    Kind::Boolean => Value::Bool(v.eq_ignore_ascii_case("true")),
                    _ => Value::String(v.clone()),
                };
                doc.insert(m.name().to_owned(), value);
            }
        }
    }
    for m in shape.members() {
        if m.location() == Location::Body {
            if let Some(v) = body.get(m.name()) {
                doc.insert(m.name().to_owned(), output_value(m.target(), v));
            }
        }
    }
    Ok(doc)
}

/// A response value as botocore parses it: modeled members only, in model order, timestamps as
/// ISO 8601 text.
pub fn output_value(shape: &'static Shape, value: &Value) -> Value {
    match (&shape.kind(), value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => Value::Object(
            members
                .iter()
                .filter_map(|m| map.get(m.name()).map(|v| (m.name().to_owned(), output_value(m.target(), v))))
                .collect(),
        ),
        (Kind::List(element), Value::Array(items)) => {
            Value::Array(items.iter().map(|i| output_value(element, i)).collect())
        }
        (Kind::Map { value: v_shape, .. }, Value::Object(map)) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), output_value(v_shape, v))).collect())
        }
        (Kind::Timestamp(_), v @ (Value::Number(_) | Value::String(_))) => match compat_timestamp::parse(v) {
            Some(t) => Value::String(t.isoformat_local()),
            None => v.clone(),
        },
        (_, v) => v.clone(),
    }
}

/// A copy of `value` with every `@sensitive` value replaced, for logs.
pub fn redact(shape: &'static Shape, value: &Value) -> Value {
    const REDACTED: &str = "*** Sensitive Data Redacted ***";
    if shape.sensitive() {
        return Value::String(REDACTED.to_owned());
    }
    match (&shape.kind(), value) {
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match members.iter().find(|m| m.name() == k) {
                        Some(m) => redact(m.target(), v),
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
    fn output_timestamps_as_python_isoformat() {
        // datetime.fromtimestamp(v, tzutc()).isoformat() for the same values.
        let iso = |v: Value| compat_timestamp::parse(&v).unwrap().isoformat_local();
        assert_eq!(iso(Value::from(1577934245)), "2020-01-02T03:04:05+00:00");
        assert_eq!(iso(Value::from(1577934245.5)), "2020-01-02T03:04:05.500000+00:00");
        assert_eq!(iso(Value::from(1577934245.123)), "2020-01-02T03:04:05.123000+00:00");
        assert_eq!(iso(Value::from(0)), "1970-01-01T00:00:00+00:00");
    }
}
