//! Differential test of response reading against botocore's parser and the AWS CLI's JSON output:
//! for every operation with an output, generated responses (nested structures, unions, maps,
//! lists of 0–3 entries, timestamps, unmodeled members) must print exactly as the AWS CLI prints
//! what botocore parses from them.

use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::compat::json_dumps::{Style, to_pretty};
use connect_core::generated::SERVICE;
use connect_core::wire::rest_json::parse_output;
use serde_json::{Value, json};

mod common;
use common::{Rng, value};

const CASES: usize = 1500;
const MIN_CASES_PER_OPERATION: usize = 4;

/// botocore's restJson1 parser with the AWS CLI's timestamp format (ISO 8601), then the AWS CLI's
/// JSON formatter (`json.dumps(indent=4, ensure_ascii=False)`), for each response body.
const BOTOCORE: &str = r#"
import json, sys
import botocore.session
from botocore.parsers import RestJSONParser
from botocore.utils import parse_timestamp
from awscli.utils import json_encoder
# The AWS CLI v2's timestamp parser (awscli/customizations/timestampformat.py, not in v1).
def iso_format(value):
    return parse_timestamp(value).isoformat()
model = botocore.session.get_session().get_service_model('connect')
parser = RestJSONParser(timestamp_parser=iso_format)
out = []
for case in json.load(sys.stdin):
    shape = model.operation_model(case['operation']).output_shape
    parsed = parser.parse({'status_code': 200, 'headers': {}, 'body': case['body'].encode()}, shape)
    parsed.pop('ResponseMetadata', None)
    out.append(json.dumps(parsed, indent=4, ensure_ascii=False, default=json_encoder) + '\n' if parsed else '')
json.dump(out, sys.stdout)
"#;

#[test]
fn printed_responses_equal_the_aws_cli() {
    let mut rng = Rng(0x5eed_f00d);
    let with_output: Vec<_> = SERVICE.operations().filter(|op| op.output().is_some()).collect();
    let per_operation = (CASES / with_output.len()).max(MIN_CASES_PER_OPERATION);
    let mut cases = Vec::new();
    for op in &with_output {
        let shape = op.output().unwrap();
        for i in 0..per_operation {
            let mut body = value(&mut rng, shape, 0);
            // Members the model does not know are dropped by both.
            if i % 3 == 0 {
                if let Value::Object(map) = &mut body {
                    map.insert("UnmodeledMember".into(), json!({"x": 1}));
                }
            }
            cases.push((op, body.to_string()));
        }
    }
    let payload: Vec<Value> = cases.iter().map(|(op, body)| json!({"operation": op.name(), "body": body})).collect();
    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE])
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with botocore and the AWS CLI is needed: pip install -r .ci/requirements.txt (.ci/run does)");
    // A Python without botocore exits before reading: its status comes first.
    let written = child.stdin.take().unwrap().write_all(serde_json::to_string(&payload).unwrap().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "botocore failed (pip install -r .ci/requirements.txt; .ci/run does)");
    written.expect("cases written to the oracle");
    let expected: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(expected.len(), cases.len());

    let mut failures = Vec::new();
    for ((op, body), want) in cases.iter().zip(&expected) {
        let doc = parse_output(op, &[], body.as_bytes()).expect("parses");
        let got =
            if doc.is_empty() { String::new() } else { to_pretty(&Value::Object(doc), Style { ensure_ascii: false }) };
        if &got != want {
            failures.push(format!("{}: body {body}\n--- ours\n{got}--- AWS CLI\n{want}", op.name()));
        }
    }
    assert!(cases.len() >= 1000, "only {} cases", cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(3)].join("\n")
    );
}
