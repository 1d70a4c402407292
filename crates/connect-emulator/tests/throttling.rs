//! Connect's documented quota (2 requests per second, burst 5, per account, region and
//! operation): a burst of requests from botocore (retries off) gets 429s with the operation's
//! modeled `ThrottlingException`, no more requests pass than the token bucket allows, and
//! aws-connect's standard retries recover from the 429s.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Emulator, INSTALL, aws_connect, client_env, require_oracles};
use serde_json::Value;

const BURST: &str = r#"
import json, sys, time
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
job = json.load(sys.stdin)
client = botocore.session.get_session().create_client('connect', region_name=job['region'],
    endpoint_url=job['url'], aws_access_key_id=job['akid'], aws_secret_access_key=job['secret'],
    config=Config(retries={'total_max_attempts': 1}))
iid = client.create_instance(IdentityManagementType='CONNECT_MANAGED', InboundCallsEnabled=True, OutboundCallsEnabled=True)['Id']
ok = throttled = 0
codes = set()
start = time.monotonic()
for _ in range(job['requests']):
    try:
        client.list_users(InstanceId=iid)
        ok += 1
    except ClientError as e:
        throttled += e.response['ResponseMetadata']['HTTPStatusCode'] == 429
        codes.add(e.response['Error']['Code'])
elapsed = time.monotonic() - start
json.dump({'instance': iid, 'ok': ok, 'throttled': throttled, 'codes': sorted(codes), 'elapsed': elapsed}, sys.stdout)
"#;

#[test]
fn a_burst_over_the_documented_quota_is_throttled_and_retries_recover() {
    require_oracles();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let emulator = Emulator::start(&["--throttle", "documented", "--log", log.to_str().unwrap()]);
    let requests = 30;
    let job = serde_json::json!({"url": emulator.url, "region": common::REGION, "akid": common::ACCESS_KEY_ID,
        "secret": common::SECRET_ACCESS_KEY, "requests": requests});
    let mut cmd = Command::new("python3");
    client_env(&mut cmd).args(["-c", BURST]).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("python3 is needed ({e}): {INSTALL}"));
    let written = child.stdin.take().unwrap().write_all(job.to_string().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the botocore burst failed ({INSTALL})");
    written.unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (ok, throttled, elapsed) =
        (r["ok"].as_u64().unwrap(), r["throttled"].as_u64().unwrap(), r["elapsed"].as_f64().unwrap());
    eprintln!(
        "burst of {requests} ListUsers in {elapsed:.2} s: {ok} accepted ({:.2}/s), {throttled} answered 429",
        ok as f64 / elapsed
    );
    assert_eq!(ok + throttled, requests, "every request is accepted or throttled: {r}");
    assert_eq!(r["codes"], serde_json::json!(["ThrottlingException"]), "the modeled throttling error");
    assert!(throttled > 0, "a burst of {requests} exceeds a burst quota of 5: {r}");
    // A token bucket of 5 refilled at 2 per second admits at most 5 + 2 × elapsed (+1 for rounding).
    assert!(ok as f64 <= 5.0 + 2.0 * elapsed + 1.0, "too many accepted: {r}");

    // aws-connect's standard retries wait and try again: every command succeeds.
    let iid = r["instance"].as_str().unwrap();
    for i in 0..8 {
        let mut cmd = Command::new(aws_connect());
        client_env(&mut cmd).env("AWS_RETRY_MODE", "standard").env("AWS_MAX_ATTEMPTS", "10").args([
            "list-users",
            "--instance-id",
            iid,
            "--endpoint-url",
            &emulator.url,
        ]);
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "aws-connect list-users #{i}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(emulator.stop());
    let lines: Vec<Value> =
        std::fs::read_to_string(&log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let throttled_in_log = lines.iter().filter(|l| l["status"] == 429).count() as u64;
    eprintln!("aws-connect met {} 429s and recovered", throttled_in_log - throttled);
    assert!(throttled_in_log > throttled, "aws-connect's requests were throttled too, and retried");
    // The log redacts signatures.
    assert!(
        lines.iter().all(|l| !l.to_string().contains("Signature=") || l.to_string().contains("Signature=REDACTED"))
    );
}
