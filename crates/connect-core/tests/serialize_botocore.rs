//! Differential test of the restJson1 serializer against botocore's (the AWS CLI's): for every
//! operation of the model and many generated inputs (random Unicode ids, every subset of optional
//! members, lists and maps of 0–3 entries, union variants, members and map entries in random
//! order at every level, timestamps in every form botocore reads, header-bound members), the
//! request must be what botocore produces:
//!
//! - the method and the request target (path and query string), byte for byte;
//! - every header botocore sets (those bound to members, and `Content-Type`), names without
//!   regard to case, values byte for byte, in botocore's order, and no other;
//! - the body as JSON with member order kept: both bodies are parsed (keeping order) and written
//!   back compactly, so only whitespace and the spelling of the same string or number differ
//!   (botocore writes `", "`, `": "` and `\u00e9`; we write `,`, `:` and `é`).

use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::generated::SERVICE;
use connect_core::model::{Kind, Location, Shape};

mod common;
use common::{Rng, value};
use connect_core::wire::rest_json::serialize;
use serde_json::{Map, Value, json};

/// Inputs in all (at least), and at least this many per operation.
const CASES: usize = 1200;
const MIN_CASES_PER_OPERATION: usize = 24;
/// Extra inputs for each operation with a header-bound or timestamp member.
const EXTRA_CASES: usize = 40;

/// Timestamps in every form botocore reads (`parse_to_aware_datetime`) that does not depend on
/// today's date: epoch seconds as numbers and strings, with and without fractions, ISO 8601
/// variants, RFC 822, month names, slashes, offsets with fractions.
const TIMESTAMPS: &[&str] = &[
    "1577934245",
    "1577934245.75",
    "-1.5",
    " 1_600_000_000 ",
    "2020-01-02",
    "2020-01-02T03:04:05Z",
    "2020-01-02T03:04:05",
    "2020-01-02 03:04:05",
    "2020-01-02T03:04:05.123456789+05:30",
    "2020-01-02T03:04:05.5-0330",
    "2020-01-02T03:04+01",
    "20200102T030405Z",
    "Thu, 02 Jan 2020 03:04:05 GMT",
    "Thu, 02 Jan 2020 03:04:05 +0100",
    "Jan 3 2020",
    "3 January 2020 10:30 PM",
    "January 3, 2020 12:05 AM UTC",
    "2020/02/29",
    "02/29/2020",
    "31/01/2020 23:59:59.999999",
    "31-Jan-2020",
    "1969-07-20T20:17:40Z",
];

/// A timestamp in one of the forms: a string, or a JSON number (integral or not).
fn timestamp(rng: &mut Rng) -> Value {
    match rng.below(TIMESTAMPS.len() as u64 + 3) as usize {
        i if i < TIMESTAMPS.len() => json!(TIMESTAMPS[i]),
        i if i == TIMESTAMPS.len() => json!(1_500_000_000 + rng.below(200_000_000) as i64),
        i if i == TIMESTAMPS.len() + 1 => json!(1_500_000_000.0 + rng.below(200_000_000_000) as f64 / 1000.0),
        _ => json!(rng.below(2) == 0),
    }
}

/// `value` with objects (structures and maps) in random order at every level and timestamps in
/// random forms.
fn vary(rng: &mut Rng, shape: &'static Shape, value: Value) -> Value {
    match (shape.kind(), value) {
        (Kind::Timestamp(_), _) => timestamp(rng),
        (Kind::Structure(members) | Kind::Union(members), Value::Object(map)) => {
            let entries = map
                .into_iter()
                .map(|(k, v)| match members.iter().find(|m| m.name() == k) {
                    Some(m) => (k, vary(rng, m.target(), v)),
                    None => (k, v),
                })
                .collect();
            Value::Object(shuffled(rng, entries))
        }
        (Kind::Map { value: item, .. }, Value::Object(map)) => {
            let entries = map.into_iter().map(|(k, v)| (k, vary(rng, item, v))).collect();
            Value::Object(shuffled(rng, entries))
        }
        (Kind::List(item), Value::Array(items)) => {
            Value::Array(items.into_iter().map(|v| vary(rng, item, v)).collect())
        }
        (_, v) => v,
    }
}

fn shuffled(rng: &mut Rng, mut entries: Vec<(String, Value)>) -> Map<String, Value> {
    for i in (1..entries.len()).rev() {
        entries.swap(i, rng.below(i as u64 + 1) as usize);
    }
    entries.into_iter().collect()
}

/// One input for an operation: labels always set, header-bound members and timestamps set most
/// of the time, every other member half of the time; then members in random order.
fn input(rng: &mut Rng, shape: &'static Shape) -> Map<String, Value> {
    let mut map = Map::new();
    for m in shape.members() {
        let likely = matches!(m.location(), Location::Header(_)) || matches!(m.target().kind(), Kind::Timestamp(_));
        if m.location() == Location::Label {
            let v = match m.target().kind() {
                Kind::Integer | Kind::Long => json!(rng.below(1_000_000)),
                Kind::Enum(values) => Value::String(values[rng.below(values.len() as u64) as usize].value().to_owned()),
                _ => Value::String(rng.label()),
            };
            map.insert(m.name().to_owned(), v);
        } else if m.required() || rng.chance(if likely { 85 } else { 50 }) {
            map.insert(m.name().to_owned(), value(rng, m.target(), 1));
        }
    }
    match vary(rng, shape, Value::Object(map)) {
        Value::Object(map) => map,
        _ => unreachable!("a structure stays an object"),
    }
}

/// Whether the input shape has a header-bound member or a timestamp anywhere.
fn has_headers_or_timestamps(shape: &'static Shape) -> bool {
    fn timestamps(shape: &'static Shape, depth: usize) -> bool {
        depth < 8
            && match shape.kind() {
                Kind::Timestamp(_) => true,
                Kind::Structure(members) | Kind::Union(members) => {
                    members.iter().any(|m| timestamps(m.target(), depth + 1))
                }
                Kind::List(item) | Kind::Map { value: item, .. } => timestamps(item, depth + 1),
                _ => false,
            }
    }
    shape.members().iter().any(|m| matches!(m.location(), Location::Header(_))) || timestamps(shape, 0)
}

const BOTOCORE: &str = r#"
import json, sys, warnings
warnings.simplefilter('ignore')
import botocore.session, botocore.serialize
from botocore.awsrequest import prepare_request_dict
model = botocore.session.get_session().get_service_model('connect')
serializer = botocore.serialize.create_serializer('rest-json', include_validation=False)
out = []
for case in json.load(sys.stdin):
    op = model.operation_model(case['operation'])
    req = serializer.serialize_to_request(case['input'], op)
    headers = [[k, v] for k, v in req['headers'].items()]
    prepare_request_dict(req, endpoint_url='https://example.com')
    target = req['url'][len('https://example.com'):]
    body = req['body']
    if isinstance(body, bytes):
        body = body.decode('utf-8')
    out.append({'method': req['method'], 'target': target, 'headers': headers, 'body': body or None})
json.dump(out, sys.stdout)
"#;

/// A JSON body with its member order kept and its whitespace and spelling normalised.
fn ordered_json(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        // serde_json keeps the document's order (`preserve_order`) when writing it back.
        Ok(v) => v.to_string(),
        Err(e) => format!("(not JSON: {e}) {body}"),
    }
}

#[test]
fn requests_equal_botocore() {
    let mut rng = Rng(0x00c0_ffee);
    let mut cases = Vec::new();
    let per_operation = (CASES / SERVICE.operations().len()).max(MIN_CASES_PER_OPERATION);
    for op in SERVICE.operations() {
        let Some(shape) = op.input() else { continue };
        let extra = if has_headers_or_timestamps(shape) { EXTRA_CASES } else { 0 };
        for _ in 0..per_operation + extra {
            cases.push((op, input(&mut rng, shape)));
        }
    }
    assert!(cases.len() >= 1000, "only {} cases", cases.len());
    let payload: Vec<Value> = cases
        .iter()
        .map(|(op, input)| json!({"operation": op.name(), "input": Value::Object(input.clone())}))
        .collect();

    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with botocore is needed: python3 -m pip install -r .ci/requirements.txt");
    child.stdin.take().unwrap().write_all(serde_json::to_string(&payload).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "botocore failed (python3 -m pip install -r .ci/requirements.txt)");
    let expected: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(expected.len(), cases.len());

    let mut failures = Vec::new();
    let (mut headers_compared, mut with_headers_or_timestamps) = (0, 0);
    for ((op, input), want) in cases.iter().zip(&expected) {
        let bound = |h: &&Value| !h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("content-type"));
        headers_compared += want["headers"].as_array().map_or(0, |h| h.iter().filter(bound).count());
        with_headers_or_timestamps += usize::from(has_headers_or_timestamps(op.input().unwrap()));
        let req = match serialize(op, input) {
            Ok(req) => req,
            Err(e) => {
                failures.push(format!(
                    "{}: input {}\n  ours: {e}\n  botocore: {want}",
                    op.name(),
                    Value::Object(input.clone())
                ));
                continue;
            }
        };
        let ours = json!({
            "method": req.method,
            "target": req.target,
            "headers": req.headers.iter().map(|(k, v)| json!([k.to_ascii_lowercase(), v])).collect::<Vec<_>>(),
            "body": req.body.as_deref().map(|b| ordered_json(&String::from_utf8_lossy(b))),
        });
        let theirs = json!({
            "method": want["method"],
            "target": want["target"],
            "headers": want["headers"].as_array().unwrap().iter()
                .map(|h| json!([h[0].as_str().unwrap().to_ascii_lowercase(), h[1]]))
                .collect::<Vec<_>>(),
            "body": want["body"].as_str().map(ordered_json),
        });
        // Compared as text: `Value`'s equality would ignore the order of members.
        let (ours, theirs) = (ours.to_string(), theirs.to_string());
        if ours != theirs {
            failures.push(format!(
                "{}: input {}\n  ours:     {ours}\n  botocore: {theirs}",
                op.name(),
                Value::Object(input.clone())
            ));
        }
    }
    eprintln!(
        "{} inputs compared with botocore ({with_headers_or_timestamps} of operations with header-bound or timestamp members), {headers_compared} header-bound headers besides Content-Type",
        cases.len(),
    );
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}
