//! Shared by the emulator's tests: starting the emulator binary, finding the oracles (python3 with
//! botocore, the AWS CLI) and aws-connect, and generating model-valid inputs.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use connect_core::model::{Bounds, Kind, Shape};
use serde_json::{Map, Value, json};

pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-west-2";
pub const INSTALL: &str = "pip install -r .ci/requirements.txt (.ci/run does)";

/// A running emulator, stopped with SIGTERM when dropped.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_connect-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the connect-emulator binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url =
            line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {line:?}")).to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Emulator { child, url }
    }

    /// Sends SIGTERM and waits for the emulator to exit; returns whether it exited successfully.
    pub fn stop(mut self) -> bool {
        self.terminate()
    }

    /// Sends SIGINT (Ctrl-C) and waits for the emulator to exit; returns whether it exited
    /// successfully.
    pub fn interrupt(mut self) -> bool {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }

    /// Kills the emulator with SIGKILL: no chance to save at exit.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn terminate(&mut self) -> bool {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.terminate();
        }
    }
}

/// The environment of a client signing with the emulator's default credentials.
pub fn client_env(cmd: &mut Command) -> &mut Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_REGION", REGION)
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TZ", "UTC")
}

/// Fails, naming what to install, when python3 with botocore or the AWS CLI is missing.
pub fn require_oracles() {
    let ok = Command::new("python3")
        .args(["-c", "import botocore, awscli"])
        .status()
        .unwrap_or_else(|e| panic!("python3 is needed ({e}): {INSTALL}"));
    assert!(ok.success(), "python3 lacks botocore or the AWS CLI: {INSTALL}");
    let aws =
        Command::new("aws").arg("--version").output().unwrap_or_else(|e| panic!("`aws` is needed ({e}): {INSTALL}"));
    assert!(aws.status.success(), "`aws --version` failed: {INSTALL}");
}

/// aws-connect: `AWS_CONNECT_TEST_BIN`, else the one cargo built beside this test.
pub fn aws_connect() -> PathBuf {
    if let Ok(bin) = std::env::var("AWS_CONNECT_TEST_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(|d| d.parent()).unwrap();
    let bin = dir.join(format!("aws-connect{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p connect-cli` (cargo test --workspace does)",
        bin.display()
    );
    bin
}

/// A deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn count_in(b: Option<Bounds>, preferred: usize) -> usize {
    let min = b.and_then(|b| b.min).unwrap_or(0.0) as usize;
    let max = b.and_then(|b| b.max).map_or(usize::MAX, |m| m as usize);
    preferred.clamp(min, max.max(min))
}

/// Values of the forms the model's patterns ask for (ids, ARNs, phone numbers, dates, e-mail
/// addresses, hashes, regions, URIs, status codes).
const PATTERN_FORMS: &[&str] = &[
    "a1b2c3d4-5678-90ab-cdef-111122223333",
    "arn:aws:connect:us-west-2:123456789012:instance/a1b2c3d4-5678-90ab-cdef-111122223333",
    "arn:aws:connect:us-west-2:123456789012:traffic-distribution-group/a1b2c3d4-5678-90ab-cdef-111122223333",
    "+15555550100",
    "2026-01-02",
    "2026-01-02T03:04:05Z",
    "mary@example.com",
    "d-0123456789",
    "us-west-2",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "s3://bucket/key",
    "200",
    "Name",
    "x",
];

/// `plain` if it matches the model's `pattern` within `length`, else the first of
/// [`PATTERN_FORMS`] that does. Patterns that do not compile (look-around) or that the model
/// escaped twice (`\\S`) are not checked by the emulator either, and keep `plain`.
fn matching(pattern: &str, length: Option<Bounds>, plain: String) -> String {
    if pattern.contains(r"\\") {
        return plain;
    }
    let Ok(regex) = regex::Regex::new(pattern) else { return plain };
    let fits = |s: &str| {
        let n = s.chars().count() as f64;
        regex.is_match(s) && length.is_none_or(|b| b.min.is_none_or(|m| n >= m) && b.max.is_none_or(|m| n <= m))
    };
    if fits(&plain) {
        return plain;
    }
    let found = PATTERN_FORMS.iter().find(|s| fits(s));
    found.map(|s| (*s).to_owned()).unwrap_or_else(|| panic!("no test value matches the model's pattern {pattern}"))
}

/// A value of `shape` that the model accepts (lengths, ranges, enums, unions, usable patterns):
/// required members always, optional ones at random near the top.
pub fn valid_value(rng: &mut Rng, shape: &'static Shape, depth: usize) -> Value {
    match shape.kind() {
        Kind::String => {
            let n = count_in(shape.length(), 3 + rng.below(6) as usize);
            let plain: String = (0..n).map(|_| char::from(b'a' + rng.below(26) as u8)).collect();
            Value::String(match shape.pattern() {
                Some(pattern) => matching(pattern, shape.length(), plain),
                None => plain,
            })
        }
        Kind::Enum(values) => Value::String(values[rng.below(values.len() as u64) as usize].value().to_owned()),
        Kind::Integer | Kind::Long => {
            let b = shape.range();
            let min = b.and_then(|b| b.min).unwrap_or(0.0).max(-1e9);
            let max = b.and_then(|b| b.max).unwrap_or(min + 100.0).min(1e9);
            json!((min + rng.below((max - min) as u64 + 1) as f64) as i64)
        }
        Kind::Float | Kind::Double => {
            let min = shape.range().and_then(|b| b.min).unwrap_or(0.0);
            json!(min + 0.5)
        }
        Kind::Boolean => json!(rng.below(2) == 0),
        Kind::Timestamp(_) => json!(1_700_000_000 + rng.below(10_000_000) as i64),
        Kind::Structure(members) => {
            let mut map = Map::new();
            for m in members {
                if m.required() || (depth < 2 && rng.below(2) == 0) {
                    map.insert(m.name().to_owned(), valid_value(rng, m.target(), depth + 1));
                }
            }
            Value::Object(map)
        }
        Kind::Union(members) => {
            let m = &members[rng.below(members.len() as u64) as usize];
            json!({ m.name(): valid_value(rng, m.target(), depth + 1) })
        }
        Kind::List(element) => {
            let n = count_in(shape.length(), if depth < 3 { rng.below(3) as usize } else { 0 });
            Value::Array((0..n).map(|_| valid_value(rng, element, depth + 1)).collect())
        }
        Kind::Map { key, value } => {
            let n = count_in(shape.length(), if depth < 3 { rng.below(3) as usize } else { 0 });
            let mut map = Map::new();
            let mut tries = 0;
            while map.len() < n && tries < 50 {
                tries += 1;
                let k = valid_value(rng, key, depth + 1).as_str().unwrap_or("k").to_owned();
                map.insert(k, valid_value(rng, value, depth + 1));
            }
            Value::Object(map)
        }
    }
}

const CALLS: &str = r#"
import json, sys
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
job = json.load(sys.stdin)
client = botocore.session.get_session().create_client('connect', region_name=job['region'],
    endpoint_url=job['url'], aws_access_key_id=job['akid'], aws_secret_access_key=job['secret'],
    config=Config(retries={'total_max_attempts': 1}))
out = []
for call in job['calls']:
    try:
        r = client._make_api_call(call[0], call[1])
        meta = r.pop('ResponseMetadata')
        out.append({'status': meta['HTTPStatusCode'], 'output': r})
    except ClientError as e:
        fields = {k: v for k, v in e.response.items() if k not in ('ResponseMetadata', 'Error')}
        out.append({'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'code': e.response['Error']['Code'],
                    'message': e.response['Error'].get('Message'), 'fields': fields})
json.dump(out, sys.stdout, default=str)
"#;

/// Makes each call (`[operation, params]`) with botocore (retries off), signing with `key`;
/// returns each answer's `status`, and `output` or `code`, `message` and the error's modeled
/// `fields` as botocore parses them.
pub fn botocore_calls(url: &str, key: (&str, &str), calls: &[Value]) -> Vec<Value> {
    use std::io::Write;
    let job = json!({"url": url, "region": REGION, "akid": key.0, "secret": key.1, "calls": calls});
    let mut cmd = Command::new("python3");
    client_env(&mut cmd).args(["-c", CALLS]).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("python3 is needed ({e}): {INSTALL}"));
    let written = child.stdin.take().unwrap().write_all(job.to_string().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the botocore client failed ({INSTALL})");
    written.unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// One call with the default key.
pub fn call(url: &str, op: &str, params: Value) -> Value {
    botocore_calls(url, (ACCESS_KEY_ID, SECRET_ACCESS_KEY), &[json!([op, params])]).remove(0)
}

/// An instance, its default routing profile and first security profile.
pub fn instance(url: &str) -> (String, String, String) {
    let made = call(
        url,
        "CreateInstance",
        json!({"IdentityManagementType": "CONNECT_MANAGED", "InboundCallsEnabled": true, "OutboundCallsEnabled": true}),
    );
    let iid = made["output"]["Id"].as_str().unwrap().to_owned();
    let listed = botocore_calls(
        url,
        (ACCESS_KEY_ID, SECRET_ACCESS_KEY),
        &[json!(["ListRoutingProfiles", {"InstanceId": iid}]), json!(["ListSecurityProfiles", {"InstanceId": iid}])],
    );
    let rp = listed[0]["output"]["RoutingProfileSummaryList"][0]["Id"].as_str().unwrap().to_owned();
    let sp = listed[1]["output"]["SecurityProfileSummaryList"][0]["Id"].as_str().unwrap().to_owned();
    (iid, rp, sp)
}

/// In instance `iid`: a routing profile "Sales", a security profile "Sellers" and a top-level
/// hierarchy group "Europe"; returns their ids in that order.
pub fn user_resources(url: &str, iid: &str) -> (String, String, String) {
    let made = botocore_calls(
        url,
        (ACCESS_KEY_ID, SECRET_ACCESS_KEY),
        &[
            json!(["CreateRoutingProfile", {"InstanceId": iid, "Name": "Sales", "Description": "sales",
                "DefaultOutboundQueueId": "q", "MediaConcurrencies": [{"Channel": "VOICE", "Concurrency": 1}]}]),
            json!(["CreateSecurityProfile", {"InstanceId": iid, "SecurityProfileName": "Sellers"}]),
            json!(["CreateUserHierarchyGroup", {"InstanceId": iid, "Name": "Europe"}]),
        ],
    );
    let id = |i: usize, member: &str| {
        made[i]["output"][member].as_str().unwrap_or_else(|| panic!("no {member} in {}", made[i])).to_owned()
    };
    (id(0, "RoutingProfileId"), id(1, "SecurityProfileId"), id(2, "HierarchyGroupId"))
}
