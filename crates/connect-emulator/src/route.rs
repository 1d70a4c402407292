//! restJson1 on the server side: a request's method and path find the operation (by its `@http`
//! URI template), and its labels, query string, headers and JSON body become the input document.

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use connect_core::model::{Kind, Location, Member, Operation, Shape};
use serde_json::{Map, Number, Value};

/// One segment of a URI template.
#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    Label(&'static str),
}

/// A matched operation with its decoded labels.
pub type Found = (&'static Operation, Vec<(&'static str, String)>);

/// Every operation's route, for matching.
pub struct Router {
    routes: Vec<(&'static Operation, Vec<Segment>)>,
}

impl Router {
    pub fn new(operations: &[&'static Operation]) -> Router {
        let routes = operations
            .iter()
            .map(|op| {
                let path = op.http().uri.split('?').next().unwrap_or("");
                let segments = path
                    .split('/')
                    .skip(1)
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(label) => Segment::Label(label),
                        None => Segment::Literal(s),
                    })
                    .collect();
                (*op, segments)
            })
            .collect();
        Router { routes }
    }

    /// The operation for `method` and a raw (percent-encoded) path, with its decoded labels.
    /// Literal segments win over labels, leftmost first, as in the service's routing.
    pub fn find(&self, method: &str, raw_path: &str) -> Option<Found> {
        let parts: Vec<String> = raw_path.split('/').skip(1).map(percent_decode).collect();
        let mut best: Option<(Vec<bool>, Found)> = None;
        for (op, segments) in &self.routes {
            if op.http().method != method || segments.len() != parts.len() {
                continue;
            }
            let mut labels = Vec::new();
            let mut shape = Vec::new();
            let matched = segments.iter().zip(&parts).all(|(seg, part)| match seg {
                Segment::Literal(l) => {
                    shape.push(true);
                    l == part
                }
                Segment::Label(name) => {
                    shape.push(false);
                    labels.push((*name, part.clone()));
                    !part.is_empty()
                }
            });
            if matched && best.as_ref().is_none_or(|(b, _)| shape > *b) {
                best = Some((shape, (op, labels)));
            }
        }
        best.map(|(_, found)| found)
    }
}

/// Decodes `%XX` escapes (invalid escapes stay as they are; invalid UTF-8 is replaced).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a request cannot become an input document: the service's `SerializationException`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Builds the input document of `op` from the request parts.
pub fn input_document(
    op: &Operation,
    labels: &[(&'static str, String)],
    query: Option<&str>,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<Map<String, Value>, DecodeError> {
    let mut doc = Map::new();
    let Some(shape) = op.input() else { return Ok(doc) };
    let pairs: Vec<(String, String)> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    for m in shape.members() {
        match m.location() {
            Location::Label => {
                if let Some((_, v)) = labels.iter().find(|(n, _)| *n == m.name()) {
                    doc.insert(m.name().to_owned(), scalar(m, m.target(), v)?);
                }
            }
            Location::Query(name) => {
                let values: Vec<&str> = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
                if values.is_empty() {
                    continue;
                }
                let value = match m.target().kind() {
                    Kind::List(element) => {
                        Value::Array(values.iter().map(|v| scalar(m, element, v)).collect::<Result<_, _>>()?)
                    }
                    _ => scalar(m, m.target(), values[0])?,
                };
                doc.insert(m.name().to_owned(), value);
            }
            Location::Header(name) => {
                let Some((_, v)) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else { continue };
                let value = match m.target().kind() {
                    Kind::List(element) => Value::Array(
                        v.split(',').map(|item| scalar(m, element, item.trim())).collect::<Result<_, _>>()?,
                    ),
                    _ => scalar(m, m.target(), v)?,
                };
                doc.insert(m.name().to_owned(), value);
            }
            Location::Body => {}
        }
    }
    let has_body_members = shape.members().iter().any(|m| m.location() == Location::Body);
    if has_body_members && !body.iter().all(u8::is_ascii_whitespace) {
        let parsed: Value = serde_json::from_slice(body)
            .map_err(|e| DecodeError(format!("Could not parse the request body as JSON: {e}")))?;
        let Value::Object(map) = parsed else {
            return Err(DecodeError("The request body must be a JSON object".into()));
        };
        for (k, v) in map {
            if v.is_null() {
                continue;
            }
            // Members bound elsewhere are not read from the body, as the service ignores them.
            match shape.member(&k) {
                Some(m) if m.location() == Location::Body => {
                    doc.insert(k, v);
                }
                Some(_) => {}
                None => {
                    doc.insert(k, v);
                }
            }
        }
    }
    Ok(doc)
}

/// The value of a label, query string or header text, typed by its shape.
fn scalar(m: &Member, shape: &'static Shape, text: &str) -> Result<Value, DecodeError> {
    let bad = || DecodeError(format!("Value '{text}' at '{}' failed to parse as {}", m.name(), shape.type_name()));
    Ok(match shape.kind() {
        Kind::Integer | Kind::Long => Value::Number(text.parse::<i64>().map_err(|_| bad())?.into()),
        Kind::Float | Kind::Double => {
            Value::Number(Number::from_f64(text.parse::<f64>().map_err(|_| bad())?).ok_or_else(bad)?)
        }
        Kind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        Kind::Timestamp(_) => {
            let dt = DateTime::from_str(text, Format::DateTime)
                .or_else(|_| DateTime::from_str(text, Format::HttpDate))
                .or_else(|_| DateTime::from_str(text, Format::EpochSeconds))
                .map_err(|_| bad())?;
            Value::Number(dt.secs().into())
        }
        _ => Value::String(text.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::generated::SERVICE;

    #[test]
    fn routes_prefer_literals_and_decode_labels() {
        let router = Router::new(&SERVICE.operations().collect::<Vec<_>>());
        let (op, labels) = router.find("GET", "/users/i-1/u%2F2").unwrap();
        assert_eq!(op.name(), "DescribeUser");
        assert_eq!(labels, [("InstanceId", "i-1".to_owned()), ("UserId", "u/2".to_owned())]);
        assert_eq!(router.find("PUT", "/instance").unwrap().0.name(), "CreateInstance");
        assert!(router.find("GET", "/no/such/path/at/all/x").is_none());
        // Every operation is found by its own template filled with plain labels.
        for op in SERVICE.operations() {
            let path: String = op
                .http()
                .uri
                .split('?')
                .next()
                .unwrap()
                .split('/')
                .skip(1)
                .map(|s| if s.starts_with('{') { "/x".to_owned() } else { format!("/{s}") })
                .collect();
            let found = router.find(op.http().method, &path).map(|(o, _)| o.name());
            assert_eq!(found, Some(op.name()), "{path}");
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%E4%B8%AD"), "中");
    }
}
