//! `--generate-cli-skeleton` for every operation equals what the AWS CLI prints: botocore's
//! argument generator over the same operation, dumped as the AWS CLI dumps it. The AWS CLI v2
//! shows the first value of an enum (v1 picks one at random), so the oracle does the same.

use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::generated::SERVICE;

use crate::common::Env;

const ORACLE: &str = r#"
import json, sys, random
import botocore.session
from botocore.utils import ArgumentGenerator
from awscli.utils import json_encoder
random.choice = lambda seq: seq[0]  # AWS CLI v2: the first enum value
model = botocore.session.get_session().get_service_model('connect')
out = {}
for name in json.load(sys.stdin):
    shape = model.operation_model(name).input_shape
    skeleton = ArgumentGenerator().generate_skeleton(shape) if shape is not None else {}
    out[name] = json.dumps(skeleton, indent=4, default=json_encoder) + '\n'
json.dump(out, sys.stdout)
"#;

#[test]
fn every_operation_skeleton_equals_the_aws_cli() {
    let names: Vec<&str> = SERVICE.operations().map(|op| op.name()).collect();
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with botocore and the AWS CLI is needed: pip install -r .ci/requirements.txt");
    child.stdin.take().unwrap().write_all(serde_json::to_string(&names).unwrap().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed (pip install -r .ci/requirements.txt; .ci/run does)");
    let expected: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();

    let env = Env::new();
    let mut failures = Vec::new();
    for op in SERVICE.operations() {
        let r = env.run(&[op.cli_name(), "--generate-cli-skeleton"]);
        let want = expected[op.name()].as_str().unwrap();
        if r.code != 0 || r.stdout != want {
            failures.push(format!("{} (exit {}):\n--- ours\n{}--- AWS CLI\n{want}", op.cli_name(), r.code, r.stdout));
        }
    }
    assert_eq!(SERVICE.operations().len(), 370);
    assert!(failures.is_empty(), "{} of 370 differ:\n{}", failures.len(), failures[..failures.len().min(2)].join("\n"));
}

/// The YAML layout of `--generate-cli-skeleton yaml-input` for every operation is ruamel.yaml's
/// (the AWS CLI v2 dumps its skeleton with ruamel.yaml's round-trip dumper): without the member
/// comments, our text equals what ruamel.yaml (installed, the version v2 allows) writes for the
/// same data, nested sequences (`- - TagKey: ''`) included. The data itself is checked against
/// botocore's skeletons above and in `skeleton.rs`.
#[test]
fn every_yaml_input_skeleton_is_laid_out_as_ruamel_yaml_lays_it_out() {
    const RUAMEL: &str = r#"
import io, json, sys
from ruamel.yaml import YAML
out = {}
for name, text in json.load(sys.stdin).items():
    data = YAML(typ='safe', pure=True).load(text)
    buffer = io.StringIO()
    YAML().dump(data, buffer)
    out[name] = buffer.getvalue()
json.dump(out, sys.stdout)
"#;
    let env = Env::new();
    let mut ours = serde_json::Map::new();
    for op in SERVICE.operations() {
        let r = env.run(&[op.cli_name(), "--generate-cli-skeleton", "yaml-input"]);
        assert_eq!(r.code, 0, "{}: {}", op.cli_name(), r.stderr);
        ours.insert(op.cli_name().to_owned(), serde_json::Value::String(r.stdout));
    }
    let mut child = Command::new("python3")
        .args(["-c", RUAMEL])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with ruamel.yaml is needed: pip install -r .ci/requirements.txt");
    child.stdin.take().unwrap().write_all(serde_json::Value::Object(ours.clone()).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the ruamel.yaml oracle failed (pip install -r .ci/requirements.txt)");
    let expected: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut failures = Vec::new();
    for (name, text) in &ours {
        // A comment starts at the first `#`: no key or value of a skeleton holds one.
        let bare: String = text
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(|l| format!("{}\n", l.split('#').next().unwrap_or_default().trim_end()))
            .collect();
        let want = expected[name].as_str().unwrap_or_default();
        if bare != want {
            failures.push(format!("{name}:\n--- ours, comments removed\n{bare}--- ruamel.yaml\n{want}"));
        }
    }
    assert_eq!(ours.len(), 370);
    assert!(failures.is_empty(), "{} of 370 differ:\n{}", failures.len(), failures[..failures.len().min(2)].join("\n"));
}
