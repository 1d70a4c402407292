//! Differential test of the restJson1 serializer against botocore's (the AWS CLI's): for every
//! operation of the model and many generated inputs (random Unicode ids, every subset of optional
//! members, lists and maps of 0–3 entries, union variants), the method, the request target (path
//! and query string, byte for byte) and the JSON body must be what botocore produces.

use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::generated::SERVICE;
use connect_core::model::{Kind, Location, Shape};

mod common;
use common::{Rng, value};
use connect_core::wire::rest_json::serialize;
use serde_json::{Map, Value, json};

/// Inputs in all (the acceptance asks for at least 1,000), and at least this many per operation.
const CASES: usize = 1200;
const MIN_CASES_PER_OPERATION: usize = 24;

/// One input for an operation: labels always set, every other member set half of the time.
fn input(rng: &mut Rng, shape: &'static Shape) -> Map<String, Value> {
    let mut map = Map::new();
    for m in shape.members() {
        if m.location == Location::Label {
            let v = match m.target.kind {
                Kind::Integer | Kind::Long => json!(rng.below(1_000_000)),
                Kind::Enum(values) => Value::String(values[rng.below(values.len() as u64) as usize].value.to_owned()),
                _ => Value::String(rng.label()),
            };
            map.insert(m.name.to_owned(), v);
        } else if m.required || rng.chance(50) {
            map.insert(m.name.to_owned(), value(rng, m.target, 1));
        }
    }
    map
}

const BOTOCORE: &str = r#"
import json, sys
import botocore.session, botocore.serialize
from botocore.awsrequest import prepare_request_dict
model = botocore.session.get_session().get_service_model('connect')
serializer = botocore.serialize.create_serializer('rest-json', include_validation=False)
out = []
for case in json.load(sys.stdin):
    op = model.operation_model(case['operation'])
    req = serializer.serialize_to_request(case['input'], op)
    prepare_request_dict(req, endpoint_url='https://example.com')
    target = req['url'][len('https://example.com'):]
    body = req['body']
    if isinstance(body, bytes):
        body = body.decode('utf-8')
    out.append({'method': req['method'], 'target': target, 'body': json.loads(body) if body else None})
json.dump(out, sys.stdout)
"#;

#[test]
fn requests_equal_botocore() {
    let mut rng = Rng(0x00c0_ffee);
    let mut cases = Vec::new();
    let per_operation = (CASES / SERVICE.operations.len()).max(MIN_CASES_PER_OPERATION);
    for op in SERVICE.operations {
        let Some(shape) = op.input else { continue };
        for _ in 0..per_operation {
            cases.push((op, input(&mut rng, shape)));
        }
    }
    assert!(cases.len() >= 1000, "only {} cases", cases.len());
    let payload: Vec<Value> =
        cases.iter().map(|(op, input)| json!({"operation": op.name, "input": Value::Object(input.clone())})).collect();

    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with botocore is needed (installed by .ci/run)");
    child.stdin.take().unwrap().write_all(serde_json::to_string(&payload).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "botocore failed");
    let expected: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(expected.len(), cases.len());

    let mut failures = Vec::new();
    for ((op, input), want) in cases.iter().zip(&expected) {
        let req = serialize(op, input).expect("serializable");
        let body: Option<Value> = req.body.as_deref().map(|b| serde_json::from_slice(b).unwrap());
        let got = json!({"method": req.method, "target": req.target, "body": body});
        if &got != want {
            failures.push(format!(
                "{}: input {}\n  ours:     {got}\n  botocore: {want}",
                op.name,
                Value::Object(input.clone())
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}
