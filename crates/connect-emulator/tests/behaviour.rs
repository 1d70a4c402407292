//! The emulator as a process: SigV4 refusals as the service words them, state that survives a
//! restart and a kill, and faults that a seed reproduces. botocore is the client.

mod common;

use common::{ACCESS_KEY_ID, Emulator, SECRET_ACCESS_KEY, botocore_calls, require_oracles};
use serde_json::{Value, json};

const KEY: (&str, &str) = (ACCESS_KEY_ID, SECRET_ACCESS_KEY);

fn create_instance() -> Value {
    json!(["CreateInstance", {"IdentityManagementType": "CONNECT_MANAGED", "InboundCallsEnabled": true, "OutboundCallsEnabled": true}])
}

#[test]
fn wrong_signatures_and_unknown_keys_get_the_services_403() {
    require_oracles();
    let emulator = Emulator::start(&[
        "--credentials",
        "AKIDOTHER:othersecret:111122223333",
        "--credentials",
        &format!("{ACCESS_KEY_ID}:{SECRET_ACCESS_KEY}"),
    ]);
    let list = json!(["ListInstances", {}]);
    let wrong = botocore_calls(&emulator.url, (ACCESS_KEY_ID, "not-the-secret"), std::slice::from_ref(&list));
    assert_eq!(
        (wrong[0]["status"].as_u64(), wrong[0]["code"].as_str()),
        (Some(403), Some("InvalidSignatureException"))
    );
    let unknown = botocore_calls(&emulator.url, ("AKIDUNKNOWN", "x"), std::slice::from_ref(&list));
    assert_eq!(
        (unknown[0]["status"].as_u64(), unknown[0]["code"].as_str()),
        (Some(403), Some("UnrecognizedClientException"))
    );
    // Accounts are apart: an instance created with one key is not seen with another.
    let mine = botocore_calls(&emulator.url, KEY, &[create_instance(), list.clone()]);
    assert_eq!(mine[1]["output"]["InstanceSummaryList"].as_array().unwrap().len(), 1);
    let arn = mine[1]["output"]["InstanceSummaryList"][0]["Arn"].as_str().unwrap();
    assert!(arn.contains(":123456789012:instance/"), "{arn}");
    let theirs = botocore_calls(&emulator.url, ("AKIDOTHER", "othersecret"), &[list]);
    assert_eq!(theirs[0]["output"]["InstanceSummaryList"], json!([]));
    assert!(emulator.stop());
}

#[test]
fn state_survives_a_restart_and_a_kill() {
    require_oracles();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let first = Emulator::start(&["--state", state_arg]);
    let made = botocore_calls(&first.url, KEY, &[create_instance()]);
    let iid = made[0]["output"]["Id"].as_str().unwrap().to_owned();
    assert!(first.stop());
    let second = Emulator::start(&["--state", state_arg]);
    let seen = botocore_calls(&second.url, KEY, &[json!(["DescribeInstance", {"InstanceId": iid}]), create_instance()]);
    assert_eq!(seen[0]["output"]["Instance"]["Id"], json!(iid));
    assert_eq!(seen[0]["output"]["Instance"]["InstanceStatus"], "ACTIVE");
    let second_id = seen[1]["output"]["Id"].as_str().unwrap().to_owned();
    assert_ne!(second_id, iid, "ids stay unique across restarts");
    // SIGKILL: nothing acknowledged is lost, since every change is saved before it is answered.
    second.kill();
    let third = Emulator::start(&["--state", state_arg]);
    let listed = botocore_calls(&third.url, KEY, &[json!(["ListInstances", {}])]);
    let ids: Vec<&str> = listed[0]["output"]["InstanceSummaryList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [iid.as_str(), second_id.as_str()]);
    assert!(third.stop());
}

#[test]
fn injected_faults_follow_the_seed() {
    require_oracles();
    let calls: Vec<Value> = (0..40).map(|_| json!(["ListInstances", {}])).collect();
    let run = |seed: &str| -> Vec<u64> {
        let emulator = Emulator::start(&["--fail-rate", "0.3", "--seed", seed, "--throttle", "off", "--latency", "5"]);
        let statuses =
            botocore_calls(&emulator.url, KEY, &calls).iter().map(|r| r["status"].as_u64().unwrap()).collect();
        assert!(emulator.stop());
        statuses
    };
    let a = run("11");
    let b = run("11");
    let c = run("12");
    assert_eq!(a, b, "the same seed gives the same faults");
    assert_ne!(a, c, "another seed gives other faults");
    let faults = a.iter().filter(|s| **s == 500).count();
    assert!(faults > 0 && faults < 40, "{a:?}");
    assert!(a.iter().all(|s| *s == 200 || *s == 500), "{a:?}");
}

#[test]
fn pages_follow_the_model_and_the_log_keeps_no_secrets() {
    require_oracles();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.jsonl");
    let emulator = Emulator::start(&["--throttle", "off", "--log", log.to_str().unwrap()]);
    let made = botocore_calls(&emulator.url, KEY, &[create_instance()]);
    let iid = made[0]["output"]["Id"].as_str().unwrap().to_owned();
    let profiles = botocore_calls(
        &emulator.url,
        KEY,
        &[json!(["ListRoutingProfiles", {"InstanceId": iid}]), json!(["ListSecurityProfiles", {"InstanceId": iid}])],
    );
    let rp = profiles[0]["output"]["RoutingProfileSummaryList"][0]["Id"].clone();
    assert_eq!(profiles[0]["output"]["RoutingProfileSummaryList"][0]["Name"], "Basic Routing Profile");
    let names: Vec<&str> = profiles[1]["output"]["SecurityProfileSummaryList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"]);
    let sp = profiles[1]["output"]["SecurityProfileSummaryList"][0]["Id"].clone();
    let users: Vec<Value> = (0..5)
        .map(|i| {
            json!(["CreateUser", {"InstanceId": iid, "Username": format!("user{i}"), "Password": "Secret-Passw0rd",
                "PhoneConfig": {"PhoneType": "SOFT_PHONE"}, "SecurityProfileIds": [sp], "RoutingProfileId": rp}])
        })
        .collect();
    assert!(botocore_calls(&emulator.url, KEY, &users).iter().all(|r| r["status"] == 200));
    let first = botocore_calls(&emulator.url, KEY, &[json!(["ListUsers", {"InstanceId": iid, "MaxResults": 2}])]);
    let token = first[0]["output"]["NextToken"].as_str().expect("a next page").to_owned();
    let pages = botocore_calls(
        &emulator.url,
        KEY,
        &[
            json!(["ListUsers", {"InstanceId": iid, "MaxResults": 2, "NextToken": token}]),
            json!(["ListUsers", {"InstanceId": iid, "MaxResults": 1001}]),
        ],
    );
    let second: Vec<&str> = pages[0]["output"]["UserSummaryList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(second, ["user2", "user3"]);
    // MaxResults over the model's maximum (1000) is the modeled 400, naming the member.
    assert_eq!(pages[1]["status"], 400);
    assert_eq!(pages[1]["code"], "InvalidParameterException");
    assert!(pages[1]["message"].as_str().unwrap().contains("MaxResults"), "{}", pages[1]);
    assert!(emulator.stop());
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.lines().count(), 11, "one line per request");
    assert!(!text.contains("Secret-Passw0rd"), "the password is not logged");
    assert!(text.contains("\"operation\":\"CreateUser\""));
    // Each line has the request's body, its sensitive members redacted.
    let create: Value = text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).nth(3).unwrap();
    assert_eq!(create["operation"], "CreateUser");
    assert_eq!(create["body"]["Username"], "user0", "{create}");
    assert!(create["body"]["Password"].is_string() && create["body"]["Password"] != "Secret-Passw0rd");
}
