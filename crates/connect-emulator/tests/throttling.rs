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

/// Requests of one operation as fast as botocore sends them (retries off): how many were accepted
/// and throttled, over how long.
const RAPID: &str = r#"
import json, sys, time
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
job = json.load(sys.stdin)
client = botocore.session.get_session().create_client('connect', region_name=job['region'],
    endpoint_url=job['url'], aws_access_key_id=job['akid'], aws_secret_access_key=job['secret'],
    config=Config(retries={'total_max_attempts': 1}))
iid = client.create_instance(IdentityManagementType='CONNECT_MANAGED', InboundCallsEnabled=True, OutboundCallsEnabled=True)['Id']
params = {k: (iid if v == '$INSTANCE' else v) for k, v in job['params'].items()}
ok = throttled = 0
start = time.monotonic()
for _ in range(job['requests']):
    try:
        client._make_api_call(job['operation'], params)
        ok += 1
    except ClientError as e:
        assert e.response['Error']['Code'] == 'ThrottlingException', e.response
        throttled += 1
elapsed = time.monotonic() - start
json.dump({'ok': ok, 'throttled': throttled, 'elapsed': elapsed}, sys.stdout)
"#;

fn rapid(url: &str, operation: &str, params: Value, requests: u64) -> (u64, u64, f64) {
    let job = serde_json::json!({"url": url, "region": common::REGION, "akid": common::ACCESS_KEY_ID,
        "secret": common::SECRET_ACCESS_KEY, "requests": requests, "operation": operation, "params": params});
    let mut cmd = Command::new("python3");
    client_env(&mut cmd).args(["-c", RAPID]).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("python3 is needed ({e}): {INSTALL}"));
    let written = child.stdin.take().unwrap().write_all(job.to_string().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the botocore requests failed ({INSTALL})");
    written.unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    (r["ok"].as_u64().unwrap(), r["throttled"].as_u64().unwrap(), r["elapsed"].as_f64().unwrap())
}

/// The documented quotas above the default (from models/quotas.json, through the generated
/// lookup): a rapid series of DescribeContact (10 per second, burst 15) and of TagContact (20,
/// burst 25) is admitted as their token buckets allow, more than the default 2/5 would, and the
/// rest is throttled; measured over the series' real duration.
#[test]
fn the_higher_documented_quotas_throttle_at_their_rate() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "documented"]);
    let cases = [
        ("DescribeContact", serde_json::json!({"InstanceId": "$INSTANCE", "ContactId": "c-1"}), 10.0, 15.0),
        (
            "TagContact",
            serde_json::json!({"InstanceId": "$INSTANCE", "ContactId": "c-1", "Tags": {"k": "v"}}),
            20.0,
            25.0,
        ),
    ];
    for (operation, params, rate, burst) in cases {
        let quota = connect_core::generated::quotas::documented_quota(operation);
        assert_eq!((quota.rate, quota.burst), (rate, burst), "{operation}: models/quotas.json");
        let requests = 120;
        let (ok, throttled, elapsed) = rapid(&emulator.url, operation, params, requests);
        let accepted_rate = ok as f64 / elapsed;
        eprintln!(
            "{operation}: {requests} requests in {elapsed:.2} s, {ok} accepted ({accepted_rate:.1}/s), {throttled} throttled"
        );
        assert_eq!(ok + throttled, requests);
        assert!(throttled > 0, "{operation}: the series outruns the quota");
        // A bucket of `burst` tokens refilled at `rate` per second admits at most
        // burst + rate × elapsed (+1 for the token being refilled), and at least the whole burst.
        assert!(ok as f64 <= burst + rate * elapsed + 1.0, "{operation}: {ok} accepted in {elapsed:.2} s");
        assert!(ok as f64 >= burst, "{operation}: the burst of {burst} was not admitted ({ok})");
        // The default quota would have admitted far fewer.
        assert!(ok as f64 > 5.0 + 2.0 * elapsed + 1.0, "{operation}: {ok} accepted is within the default quota");
    }
    assert!(emulator.stop());
}
