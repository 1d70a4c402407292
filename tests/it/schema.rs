//! `--generate-json-schema` (our addition): the input's JSON Schema, checked with a JSON Schema
//! validator (Python's `jsonschema`) against the skeleton, the seed's input, and bad documents.

use crate::common::run;

const OP: &str = "update-user-identity-info";

/// Validates each document against the schema; returns, per document, the validator's errors.
fn validate(schema: &str, docs: &[&str]) -> Vec<Vec<String>> {
    let script = r#"
import json, sys
from jsonschema import Draft202012Validator
schema = json.loads(sys.argv[1])
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
print(json.dumps([[e.message for e in v.iter_errors(json.loads(d))] for d in sys.argv[2:]]))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, schema])
        .args(docs)
        .output()
        .expect("python3 with jsonschema is needed: pip install -r .ci/requirements.txt (.ci/run does)");
    assert!(
        out.status.success(),
        "jsonschema failed (pip install -r .ci/requirements.txt; .ci/run does):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn skeleton_and_seed_input_are_valid_and_bad_files_are_not() {
    let schema = run(&[OP, "--generate-json-schema"]);
    assert_eq!(schema.code, 0, "{}", schema.stderr);
    // The skeleton's empty placeholders are to be filled in (InstanceId has a minimum length), so
    // its structure is checked with each "" replaced by "x".
    let skeleton = run(&[OP, "--generate-cli-skeleton"]).stdout.replace("\"\"", "\"x\"");
    // The seed's example as JSON.
    let seed = r#"{"IdentityInfo": {"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"},
                   "UserId": "87654321-2222-1234-1234-111234567891",
                   "InstanceId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"}"#;
    let unknown = r#"{"IdentityInfo": {"Nickname": "M"}, "UserId": "u", "InstanceId": "i"}"#;
    let too_long = format!(r#"{{"IdentityInfo": {{}}, "UserId": "u", "InstanceId": "{}"}}"#, "i".repeat(101));
    let wrong_type = r#"{"IdentityInfo": {"FirstName": 5}, "UserId": "u", "InstanceId": "i"}"#;
    let missing = r#"{"IdentityInfo": {}}"#;
    let errors = validate(&schema.stdout, &[&skeleton, seed, unknown, &too_long, wrong_type, missing]);
    assert!(errors[0].is_empty(), "skeleton: {:?}", errors[0]);
    assert!(errors[1].is_empty(), "seed: {:?}", errors[1]);
    for (i, what) in [(2, "unknown member"), (3, "too long"), (4, "wrong type"), (5, "missing required")] {
        assert!(!errors[i].is_empty(), "{what} was accepted");
    }
    insta::assert_snapshot!(errors[2..].iter().map(|e| e.join("; ")).collect::<Vec<_>>().join("\n"), @r"
    Additional properties are not allowed ('Nickname' was unexpected)
    'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii' is too long
    5 is not of type 'string'
    'UserId' is a required property; 'InstanceId' is a required property
    ");
}
