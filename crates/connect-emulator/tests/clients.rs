//! Independent clients against the emulator: the installed AWS CLI (`aws connect …`) runs an
//! administrator's script (an instance, users, identity info, lists, searches, errors, deletions),
//! botocore parsing every answer; aws-connect runs the same script against a second emulator with
//! the same seed and gets the same results.

mod common;

use std::process::Command;

use common::{Emulator, aws_connect, client_env, require_oracles};
use serde_json::Value;

/// One command's result: exit code, the JSON printed (timestamps removed: AWS CLI v1 prints them
/// as received, v2 and aws-connect as ISO 8601) and the error code named on stderr.
#[derive(Debug, PartialEq)]
struct Step {
    exit: i32,
    output: Value,
    error: Option<String>,
}

fn strip_times(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("Time"));
            map.values_mut().for_each(strip_times);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_times),
        _ => {}
    }
}

fn run(program: &[&str], url: &str, args: &[&str]) -> Step {
    let mut cmd = Command::new(program[0]);
    client_env(&mut cmd).args(&program[1..]).args(args).args(["--endpoint-url", url, "--output", "json"]);
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {}: {e} ({})", program[0], common::INSTALL));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut output = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
    };
    strip_times(&mut output);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error = stderr.split("An error occurred (").nth(1).and_then(|s| s.split(')').next()).map(str::to_owned);
    Step { exit: out.status.code().unwrap_or(-1), output, error }
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The administrator's script; returns every step's result.
fn script(program: &[&str], url: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut go = |args: &[&str]| {
        let step = run(program, url, args);
        steps.push(step);
        steps.last().unwrap().output.clone()
    };
    let instance = go(&[
        "create-instance",
        "--identity-management-type",
        "CONNECT_MANAGED",
        "--instance-alias",
        "demo",
        "--inbound-calls-enabled",
        "--outbound-calls-enabled",
    ]);
    let iid = instance["Id"].as_str().expect("an instance id").to_owned();
    let rps = go(&["list-routing-profiles", "--instance-id", &iid]);
    let rp = rps["RoutingProfileSummaryList"][0]["Id"].as_str().unwrap().to_owned();
    let sps = go(&["list-security-profiles", "--instance-id", &iid]);
    let agent = sps["SecurityProfileSummaryList"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["Name"] == "Agent")
        .expect("an Agent profile")["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = |name: &str| -> Vec<String> {
        [
            "create-user",
            "--instance-id",
            &iid,
            "--username",
            name,
            "--phone-config",
            "PhoneType=SOFT_PHONE",
            "--security-profile-ids",
            &agent,
            "--routing-profile-id",
            &rp,
            "--identity-info",
            "FirstName=First,LastName=Last",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mary = go(&as_refs(&user("mary")))["UserId"].as_str().unwrap().to_owned();
    let john = go(&as_refs(&user("john")))["UserId"].as_str().unwrap().to_owned();
    go(&[
        "update-user-identity-info",
        "--instance-id",
        &iid,
        "--user-id",
        &mary,
        "--identity-info",
        "FirstName=Mary,LastName=Major,Email=marym@example.com",
    ]);
    go(&["describe-user", "--instance-id", &iid, "--user-id", &mary]);
    go(&["list-users", "--instance-id", &iid]);
    go(&[
        "search-users",
        "--instance-id",
        &iid,
        "--search-criteria",
        r#"{"StringCondition": {"FieldName": "FirstName", "Value": "Ma", "ComparisonType": "STARTS_WITH"}}"#,
    ]);
    go(&as_refs(&user("mary")));
    go(&[
        "create-user",
        "--instance-id",
        &iid,
        "--username",
        "bob",
        "--phone-config",
        "PhoneType=SOFT_PHONE",
        "--security-profile-ids",
        "no-such-profile",
        "--routing-profile-id",
        &rp,
    ]);
    go(&["delete-user", "--instance-id", &iid, "--user-id", &john]);
    go(&["list-users", "--instance-id", &iid, "--no-paginate", "--max-results", "1"]);
    go(&["describe-user", "--instance-id", &iid, "--user-id", &john]);
    go(&["delete-instance", "--instance-id", &iid]);
    go(&["list-instances"]);
    steps
}

/// A service error's exit code: 255 in the installed AWS CLI v1, 254 in v2, which aws-connect
/// follows.
const V1_SERVICE_ERROR: i32 = 255;
const V2_SERVICE_ERROR: i32 = 254;

#[test]
fn aws_cli_and_aws_connect_run_the_same_script_with_the_same_results() {
    require_oracles();
    let first = Emulator::start(&["--seed", "7"]);
    let aws = script(&["aws", "connect"], &first.url);
    let bin = aws_connect();
    let second = Emulator::start(&["--seed", "7"]);
    let ours = script(&[bin.to_str().unwrap()], &second.url);

    // What the AWS CLI saw is what Connect would answer.
    let user = &aws[6].output["User"];
    assert_eq!(user["Username"], "mary");
    assert_eq!(user["IdentityInfo"]["Email"], "marym@example.com");
    assert_eq!(user["IdentityInfo"]["FirstName"], "Mary");
    let listed: Vec<&str> =
        aws[7].output["UserSummaryList"].as_array().unwrap().iter().map(|u| u["Username"].as_str().unwrap()).collect();
    assert_eq!(listed, ["mary", "john"]);
    assert_eq!(aws[8].output["ApproximateTotalCount"], 1);
    assert_eq!(aws[8].output["Users"][0]["Username"], "mary");
    assert_eq!((aws[9].exit, aws[9].error.as_deref()), (V1_SERVICE_ERROR, Some("DuplicateResourceException")));
    assert_eq!((aws[10].exit, aws[10].error.as_deref()), (V1_SERVICE_ERROR, Some("ResourceNotFoundException")));
    assert_eq!(aws[11].exit, 0);
    assert_eq!(aws[12].output["UserSummaryList"].as_array().unwrap().len(), 1);
    assert!(aws[12].output.get("NextToken").is_none(), "one user left, one page");
    assert_eq!((aws[13].exit, aws[13].error.as_deref()), (V1_SERVICE_ERROR, Some("ResourceNotFoundException")));
    assert_eq!(aws[15].output["InstanceSummaryList"], Value::Array(vec![]));
    for (i, step) in aws.iter().enumerate() {
        if ![9, 10, 13].contains(&i) {
            assert_eq!(step.exit, 0, "step {i}: {step:?}");
        }
    }

    // aws-connect: the same results, step by step.
    assert_eq!(aws.len(), ours.len());
    for (i, (a, o)) in aws.iter().zip(&ours).enumerate() {
        let mut a = Step { exit: a.exit, output: a.output.clone(), error: a.error.clone() };
        if a.exit == V1_SERVICE_ERROR {
            a.exit = V2_SERVICE_ERROR;
        }
        assert_eq!(&a, o, "step {i} differs (AWS CLI with v2's exit code, then aws-connect)");
    }
    assert!(first.stop() && second.stop());
}
