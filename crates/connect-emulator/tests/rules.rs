//! More of Connect's rules, through botocore: the model's usable `@pattern`s, ids that must name
//! existing resources in every operation, the effect of each `update-user-*` operation, the
//! hierarchy structure, proficiency and attribute filters in searches; and the process options
//! (`--throttle RATE/BURST`, `--latency`, SIGINT, a request without a signature).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use common::{
    ACCESS_KEY_ID, Emulator, SECRET_ACCESS_KEY, botocore_calls, call, instance, require_oracles, user_resources,
};
use serde_json::{Value, json};

const KEY: (&str, &str) = (ACCESS_KEY_ID, SECRET_ACCESS_KEY);

/// An instance, its default routing profile, its first security profile and a user of both.
fn setup(url: &str) -> (String, String, String, String) {
    let (iid, rp, sp) = instance(url);
    let user = call(
        url,
        "CreateUser",
        json!({"InstanceId": iid, "Username": "mary", "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
            "SecurityProfileIds": [sp], "RoutingProfileId": rp}),
    );
    let uid = user["output"]["UserId"].as_str().unwrap().to_owned();
    (iid, rp, sp, uid)
}

fn status_and_code(r: &Value) -> (u64, &str) {
    (r["status"].as_u64().unwrap_or(0), r["code"].as_str().unwrap_or(""))
}

#[test]
fn a_value_that_does_not_match_a_usable_pattern_is_the_modeled_400_naming_the_member() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, _, _, _) = setup(url);
    let create =
        |name: &str| call(url, "CreateSecurityProfile", json!({"InstanceId": iid, "SecurityProfileName": name}));
    let bad = create("Sales & Co");
    assert_eq!(status_and_code(&bad), (400, "InvalidParameterException"), "{bad}");
    let message = bad["message"].as_str().unwrap();
    assert!(message.contains("'SecurityProfileName'") && message.contains("regular expression pattern"), "{message}");
    assert!(!message.contains("Sales & Co"), "the value is not repeated: {message}");
    assert_eq!(create("Sales_Co")["status"], 200);
    // A pattern with look-ahead (`^(?!aws:)…` of tag keys) is not usable here and not checked; a
    // usable one on a map key is (`TagKey` is of the first kind: a tag key with a space passes).
    let tagged = call(
        url,
        "TagResource",
        json!({"resourceArn": format!("arn:aws:connect:us-west-2:123456789012:instance/{iid}"), "tags": {"a b": "c"}}),
    );
    assert_eq!(tagged["status"], 200, "{tagged}");
    assert!(emulator.stop());
}

#[test]
fn ids_in_any_operation_name_existing_resources() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, rp, sp, uid) = setup(url);
    let unknown = "a1b2c3d4-5678-90ab-cdef-000000000000";
    let results = botocore_calls(
        url,
        KEY,
        &[
            json!(["ListUserProficiencies", {"InstanceId": iid, "UserId": uid}]),
            json!(["ListUserProficiencies", {"InstanceId": iid, "UserId": unknown}]),
            json!(["ListRoutingProfileQueues", {"InstanceId": iid, "RoutingProfileId": rp}]),
            json!(["ListRoutingProfileQueues", {"InstanceId": iid, "RoutingProfileId": unknown}]),
            json!(["ListSecurityProfilePermissions", {"InstanceId": iid, "SecurityProfileId": unknown}]),
            json!(["CreateUser", {"InstanceId": iid, "Username": "bob", "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [unknown], "RoutingProfileId": rp}]),
            json!(["CreateUser", {"InstanceId": iid, "Username": "bob", "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [sp], "RoutingProfileId": unknown}]),
            // The instance by its ARN, in a stateful operation too.
            json!(["DescribeUser", {"InstanceId": format!("arn:aws:connect:us-west-2:123456789012:instance/{iid}"), "UserId": uid}]),
        ],
    );
    let got: Vec<(u64, &str)> = results.iter().map(status_and_code).collect();
    let nf = (404, "ResourceNotFoundException");
    assert_eq!(got, [(200, ""), nf, (200, ""), nf, nf, nf, nf, (200, "")], "{results:#?}");
    assert!(results[1]["message"].as_str().unwrap().contains(unknown));
    assert!(emulator.stop());
}

#[test]
fn each_update_user_operation_changes_what_describe_user_shows() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, _, _, uid) = setup(url);
    let (rp2, sp2, group) = user_resources(url, &iid);
    let ids = json!({"InstanceId": iid, "UserId": uid});
    let with = |extra: Value| {
        let mut p = ids.clone();
        p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        p
    };
    let describe = json!(["DescribeUser", ids]);
    let results = botocore_calls(
        url,
        KEY,
        &[
            json!([
                "UpdateUserPhoneConfig",
                with(json!({"PhoneConfig": {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+15555550100"}}))
            ]),
            json!(["UpdateUserRoutingProfile", with(json!({"RoutingProfileId": rp2}))]),
            json!(["UpdateUserSecurityProfiles", with(json!({"SecurityProfileIds": [sp2]}))]),
            json!(["UpdateUserHierarchy", with(json!({"HierarchyGroupId": group}))]),
            json!([
                "UpdateUserProficiencies",
                with(
                    json!({"UserProficiencies": [{"AttributeName": "Language", "AttributeValue": "French", "Level": 4.0}]})
                )
            ]),
            describe.clone(),
            json!(["UpdateUserHierarchy", with(json!({"HierarchyGroupId": "a1b2c3d4-5678-90ab-cdef-000000000000"}))]),
            // Without a group the user leaves it.
            json!(["UpdateUserHierarchy", ids]),
            describe,
        ],
    );
    for r in &results[..5] {
        assert_eq!(r["status"], 200, "{r}");
    }
    let user = &results[5]["output"]["User"];
    assert_eq!(user["PhoneConfig"]["PhoneType"], "DESK_PHONE");
    assert_eq!(user["PhoneConfig"]["DeskPhoneNumber"], "+15555550100");
    assert_eq!(user["RoutingProfileId"], rp2);
    assert_eq!(user["SecurityProfileIds"], json!([sp2]));
    assert_eq!(user["HierarchyGroupId"], group);
    assert_eq!(status_and_code(&results[6]), (404, "ResourceNotFoundException"));
    assert_eq!(results[7]["status"], 200);
    assert_eq!(results[8]["output"]["User"].get("HierarchyGroupId"), None, "{}", results[8]);
    assert!(emulator.stop());
}

#[test]
fn searches_filter_by_proficiencies_attributes_and_the_hierarchy_structure_is_kept() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, rp, sp, mary) = setup(url);
    let made = botocore_calls(
        url,
        KEY,
        &[
            json!(["CreateUserHierarchyGroup", {"InstanceId": iid, "Name": "Europe", "Tags": {"team": "eu"}}]),
            json!(["CreateUser", {"InstanceId": iid, "Username": "bob", "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [sp], "RoutingProfileId": rp, "Tags": {"site": "paris"}}]),
            json!(["UpdateUserProficiencies", {"InstanceId": iid, "UserId": mary,
                "UserProficiencies": [{"AttributeName": "Language", "AttributeValue": "French", "Level": 4.0}]}]),
            json!(["UpdateUserHierarchyStructure", {"InstanceId": iid,
                "HierarchyStructure": {"LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}}}]),
            json!(["DescribeUserHierarchyStructure", {"InstanceId": iid}]),
        ],
    );
    assert!(made.iter().all(|r| r["status"] == 200), "{made:#?}");
    let structure = &made[4]["output"]["HierarchyStructure"];
    assert_eq!((&structure["LevelOne"]["Name"], &structure["LevelTwo"]["Name"]), (&json!("Region"), &json!("Site")));
    let search = |criteria: Value, filter: Value| {
        let r =
            call(url, "SearchUsers", json!({"InstanceId": iid, "SearchCriteria": criteria, "SearchFilter": filter}));
        let mut names: Vec<String> = r["output"]["Users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Username"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    let proficiency = |name: &str, min: u32| {
        json!({"ListCondition": {"TargetListType": "PROFICIENCIES", "Conditions": [
            {"StringCondition": {"FieldName": "AttributeValue", "Value": name, "ComparisonType": "EXACT"}},
            {"NumberCondition": {"FieldName": "Level", "MinValue": min, "ComparisonType": "GREATER_OR_EQUAL"}}]}})
    };
    assert_eq!(search(proficiency("French", 3), json!({})), ["mary"]);
    assert_eq!(search(proficiency("French", 5), json!({})), Vec::<String>::new());
    assert_eq!(
        search(json!({}), json!({"UserAttributeFilter": {"TagCondition": {"TagKey": "site", "TagValue": "paris"}}})),
        ["bob"]
    );
    let or = json!({"UserAttributeFilter": {"OrConditions": [
        {"TagConditions": [{"TagKey": "site", "TagValue": "paris"}]},
        {"TagConditions": [{"TagKey": "site", "TagValue": "rome"}]}]}});
    assert_eq!(search(json!({}), or), ["bob"]);
    let groups = call(
        url,
        "SearchUserHierarchyGroups",
        json!({"InstanceId": iid, "SearchFilter": {"AttributeFilter": {"TagCondition": {"TagKey": "team", "TagValue": "us"}}}}),
    );
    assert_eq!(groups["output"]["UserHierarchyGroups"], json!([]), "{groups}");
    assert!(emulator.stop());
}

#[test]
fn a_rate_and_burst_of_its_own_throttle_past_the_burst() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "1/2"]);
    let calls: Vec<Value> = (0..6).map(|_| json!(["ListInstances", {}])).collect();
    let statuses: Vec<u64> =
        botocore_calls(&emulator.url, KEY, &calls).iter().map(|r| r["status"].as_u64().unwrap()).collect();
    // A burst of 2, then one more per second: on a slow machine a third call may find a token.
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!((2..=3).contains(&ok) && statuses[..2] == [200, 200], "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 429), "{statuses:?}");
    assert!(emulator.stop());
}

#[test]
fn latency_delays_every_answer() {
    require_oracles();
    let emulator = Emulator::start(&["--latency", "400", "--throttle", "off"]);
    let started = Instant::now();
    let r = botocore_calls(&emulator.url, KEY, &[json!(["ListInstances", {}]), json!(["ListInstances", {}])]);
    assert!(r.iter().all(|r| r["status"] == 200));
    // A lower bound only: two answers each held for 400 ms cannot come sooner.
    assert!(started.elapsed().as_millis() >= 800, "{:?}", started.elapsed());
    assert!(emulator.stop());
}

#[test]
fn sigint_stops_it_cleanly_with_its_state_saved() {
    require_oracles();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let emulator = Emulator::start(&["--state", state.to_str().unwrap()]);
    let made = call(
        &emulator.url,
        "CreateInstance",
        json!({"IdentityManagementType": "CONNECT_MANAGED", "InboundCallsEnabled": true, "OutboundCallsEnabled": true}),
    );
    let iid = made["output"]["Id"].as_str().unwrap().to_owned();
    assert!(emulator.interrupt(), "exit status 0 on SIGINT");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(&iid));
    let again = Emulator::start(&["--state", state.to_str().unwrap()]);
    let seen = call(&again.url, "DescribeInstance", json!({"InstanceId": iid}));
    assert_eq!(seen["output"]["Instance"]["Id"], json!(iid));
    assert!(again.stop());
}

#[test]
fn a_request_without_a_signature_is_refused_as_the_service_does() {
    let emulator = Emulator::start(&[]);
    let host = emulator.url.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&host).unwrap();
    write!(stream, "GET /instance HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("MissingAuthenticationTokenException"), "{answer}");
    assert!(emulator.stop());
}
