//! Member order, side by side with the installed AWS CLI: botocore writes structure members and
//! map entries in the order the input gives them (shorthand, JSON, `--cli-input-json`), at every
//! depth, and the AWS CLI builds the top level from the explicit arguments in the model's order,
//! then the `--cli-input-json` keys not given explicitly, in the document's order. Each command
//! line runs through `aws-connect` and `aws connect` (v1, whose serializer is botocore's, shared
//! with v2) against loopback servers, and the requests must agree: method, target, the headers
//! botocore sets from the input, and the body with its member order (whitespace aside: v1 writes
//! `", "` and `": "`).
//!
//! An idempotency token left out is filled in by both, at the end of the top level.
//!
//! The harness is shared with `timestamps.rs`.

use std::path::Path;
use std::process::Command;

use loopback::{ACCESS_KEY_ID, Captured, REGION, Reply, SECRET_ACCESS_KEY, Server};
use serde_json::Value;

pub const INSTANCE: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
const USER: &str = "87654321-2222-1234-1234-111234567891";

/// What one tool sent and how it ended.
#[derive(Debug)]
pub struct Sent {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Per request: method, target, the compared headers (lowercase names, in the order sent) and
    /// the body with its member order kept (written back compactly), or its raw text.
    pub requests: Vec<String>,
}

/// The AWS CLI on `PATH`; a pyenv shim is resolved to the script it runs.
fn aws_program() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join("aws"))
        .find(|p| p.is_file())
        .expect("the AWS CLI (`aws`) must be on PATH: python3 -m pip install -r .ci/requirements.txt");
    if String::from_utf8_lossy(&std::fs::read(&found).unwrap_or_default()).contains("pyenv\" exec") {
        let out = Command::new("pyenv").args(["which", "aws"]).output().expect("pyenv which aws");
        let real = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if out.status.success() && Path::new(&real).is_file() {
            return real;
        }
    }
    found.to_str().expect("UTF-8 path").to_owned()
}

/// A body with its member order kept: parsed (serde_json keeps the order) and written back
/// compactly, so that only whitespace and the spelling of equal strings and numbers are set aside.
fn ordered_body(body: &[u8]) -> String {
    if body.is_empty() {
        return String::new();
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => v.to_string(),
        Err(_) => format!("(not JSON) {}", String::from_utf8_lossy(body)),
    }
}

fn show(r: &Captured, headers: &[&str]) -> String {
    let picked: Vec<String> = r
        .headers
        .iter()
        .filter(|h| h.name == "content-type" || headers.contains(&h.name.as_str()))
        .map(|h| format!("{}: {}", h.name, h.value))
        .collect();
    format!("{} {} [{}] {}", r.method, r.target, picked.join("; "), ordered_body(&r.body))
}

/// Runs `program [prefix] operation --endpoint-url <server> args` against a fresh server.
fn run(program: &str, prefix: &[&str], operation: &str, args: &[&str], headers: &[&str]) -> Sent {
    let server = Server::start(vec![Reply::json(200, "{}")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(program)
        .args(prefix)
        .arg(operation)
        .args(["--endpoint-url", &server.url()])
        .args(args)
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Sent {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        requests: server.requests().iter().map(|r| show(r, headers)).collect(),
    }
}

/// Runs one command line through both tools. `headers` names (lowercase) the headers bound to
/// input members that are compared besides Content-Type.
pub fn side_by_side(operation: &str, args: &[&str], headers: &[&str]) -> (Sent, Sent) {
    let ours = run(&crate::common::binary(), &[], operation, args, headers);
    let v1 = run(&aws_program(), &["connect"], operation, args, headers);
    (ours, v1)
}

/// Checks that both tools succeed with one request each and send the same request.
pub fn check(name: &str, operation: &str, args: &[&str], headers: &[&str]) -> Vec<String> {
    let (ours, v1) = side_by_side(operation, args, headers);
    let mut problems = Vec::new();
    if ours.code != 0 || v1.code != 0 || ours.requests.len() != 1 || v1.requests.len() != 1 {
        problems.push(format!(
            "{name}: both should succeed with one request\n  ours: exit {}, {:?}, {}\n  aws:  exit {}, {:?}, {}",
            ours.code, ours.requests, ours.stderr, v1.code, v1.requests, v1.stderr
        ));
    } else if ours.requests != v1.requests {
        problems.push(format!("{name}:\n  ours: {}\n  aws:  {}", ours.requests[0], v1.requests[0]));
    }
    problems
}

/// Shorthand and JSON structures in an order that is not the model's (FirstName, LastName,
/// Email, SecondaryEmail, Mobile).
#[test]
fn top_level_structures_keep_the_input_order() {
    let mut problems = Vec::new();
    for (name, info) in [
        ("shorthand in reverse model order", "Mobile=+15555550100,Email=m@example.com,LastName=Major,FirstName=Mary"),
        ("shorthand, mixed order", "LastName=Major,FirstName=Mary,SecondaryEmail=s@example.com"),
        ("JSON in reverse model order", r#"{"Email": "m@example.com", "LastName": "Major", "FirstName": "Mary"}"#),
        (
            "JSON with a duplicate key (keeps its first place)",
            r#"{"LastName": "a", "FirstName": "Mary", "LastName": "b"}"#,
        ),
    ] {
        let args = ["--identity-info", info, "--user-id", USER, "--instance-id", INSTANCE];
        problems.extend(check(name, "update-user-identity-info", &args, &[]));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Nested structures, maps of structures, lists of structures, maps in shorthand and JSON, and
/// explicit arguments given in an order other than the model's.
#[test]
fn nested_structures_and_maps_keep_the_input_order() {
    let references = r#"{"zeta": {"Type": "URL", "Value": "https://example.com/z"}, "alpha": {"Value": "a", "Type": "STRING"}, "mid": {"Type": "NUMBER", "Value": "1"}}"#;
    let segments = r#"{"z-key": {"ValueMap": {"b": {"ValueString": "x"}, "a": {"ValueInteger": 3}}}, "a-key": {"ValueString": "y"}}"#;
    let criteria = r#"{"QueueIds": ["q2", "q1"], "AdditionalTimeRange": {"MatchType": "MATCH_ANY", "Criteria": [{"TimeRange": {"EndTime": "2020-01-02T00:00:00Z", "Type": "SCHEDULED_TIMESTAMP", "StartTime": "2020-01-01T00:00:00Z"}}]}, "Channels": ["VOICE"], "AgentIds": ["a"]}"#;
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "shorthand maps and nested structures, arguments out of model order",
            "create-user",
            vec![
                "--tags",
                "zeta=1,alpha=2,mid=3",
                "--phone-config",
                "DeskPhoneNumber=+15555550100,PhoneType=DESK_PHONE,AutoAccept=true",
                "--identity-info",
                "LastName=Major,FirstName=Mary",
                "--routing-profile-id",
                "rp",
                "--security-profile-ids",
                "s2",
                "s1",
                "--username",
                "mary",
                "--instance-id",
                INSTANCE,
            ],
        ),
        (
            "JSON maps of structures and nested maps",
            "start-task-contact",
            vec![
                "--segment-attributes",
                segments,
                "--references",
                references,
                "--attributes",
                r#"{"b": "2", "a": "1", "c": "3"}"#,
                "--name",
                "task",
                "--client-token",
                "token-1",
                "--instance-id",
                INSTANCE,
            ],
        ),
        (
            "JSON lists of structures three levels deep, shorthand structure",
            "search-contacts",
            vec![
                "--search-criteria",
                criteria,
                "--time-range",
                "EndTime=2020-02-01T00:00:00Z,StartTime=2020-01-01T00:00:00Z,Type=INITIATION_TIMESTAMP",
                "--instance-id",
                INSTANCE,
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (name, op, args) in &cases {
        problems.extend(check(name, op, args, &[]));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `--cli-input-json` keys in an order other than the model's, some also given explicitly: the
/// explicit arguments come first in the model's order, then the document's other keys in its
/// order, and the document's nested order is kept.
#[test]
fn cli_input_json_order_with_explicit_arguments() {
    let doc = format!(
        r#"{{"Tags": {{"b": "1", "a": "2"}}, "RoutingProfileId": "doc-rp", "InstanceId": "{INSTANCE}", "IdentityInfo": {{"LastName": "L", "FirstName": "F"}}, "Username": "doc-user", "SecurityProfileIds": ["s1"], "PhoneConfig": {{"PhoneType": "SOFT_PHONE", "AutoAccept": false}}}}"#
    );
    let mut problems = Vec::new();
    problems.extend(check("document only", "create-user", &["--cli-input-json", &doc], &[]));
    problems.extend(check(
        "document and explicit arguments",
        "create-user",
        &["--cli-input-json", &doc, "--security-profile-ids", "s2", "--username", "arg-user", "--tags", "z=1"],
        &[],
    ));
    problems.extend(check(
        "explicit arguments first on the command line",
        "create-user",
        &[
            "--phone-config",
            "AutoAccept=true,PhoneType=DESK_PHONE",
            "--cli-input-json",
            &doc,
            "--password",
            "Pw1-secret",
        ],
        &[],
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The body's `"ClientToken":"…"` value, and the request with it replaced by `TOKEN`.
fn client_token(request: &str) -> Option<(String, String)> {
    const KEY: &str = "\"ClientToken\":\"";
    let start = request.find(KEY)? + KEY.len();
    let len = request[start..].find('"')?;
    let token = request[start..start + len].to_owned();
    Some((request.replacen(&token, "TOKEN", 1), token))
}

/// Whether `text` is a version-4 UUID as Python's `uuid.uuid4()` writes it.
fn is_uuid4(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) { *c == b'-' } else { c.is_ascii_hexdigit() && !c.is_ascii_uppercase() }
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// `StartContactStreaming`'s `ClientToken` is `@required` and an `@idempotencyToken`: the AWS CLI
/// does not require the argument (`_create_argument_table`) and botocore fills in a random UUID,
/// after the members given. Both tools succeed without it and send the same request but for the
/// token, a fresh UUID in each; a token given is sent as given.
#[test]
fn a_required_idempotency_token_left_out_is_filled_in() {
    let mut args = vec![
        "--instance-id",
        INSTANCE,
        "--contact-id",
        "c-1",
        "--chat-streaming-configuration",
        "StreamingEndpointArn=arn:aws:sns:us-west-2:123456789012:chat",
    ];
    let (ours, v1) = side_by_side("start-contact-streaming", &args, &[]);
    assert!(
        ours.code == 0 && v1.code == 0 && ours.requests.len() == 1 && v1.requests.len() == 1,
        "both should succeed with one request\n  ours: exit {}, {:?}, {}\n  aws:  exit {}, {:?}, {}",
        ours.code,
        ours.requests,
        ours.stderr,
        v1.code,
        v1.requests,
        v1.stderr
    );
    let (ours_request, ours_token) = client_token(&ours.requests[0]).expect("our request has a ClientToken");
    let (v1_request, v1_token) = client_token(&v1.requests[0]).expect("the AWS CLI's request has a ClientToken");
    assert!(is_uuid4(&v1_token), "the oracle's token {v1_token:?}");
    assert!(is_uuid4(&ours_token), "our token {ours_token:?}");
    assert_eq!(ours_request, v1_request);
    args.extend(["--client-token", "token-1"]);
    let problems = check("a token given", "start-contact-streaming", &args, &[]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
