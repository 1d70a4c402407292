//! Resource rules as Connect applies them, through botocore (its serializer and its parser of the
//! model's error shapes): a profile or group a user still refers to cannot be deleted
//! (`ResourceInUseException` naming the user), a repeated idempotency token gets the first
//! answer, SearchUsers evaluates hierarchy-group, tag and nested conditions, an unknown instance
//! is `ResourceNotFoundException` for any instance-scoped operation, and a state journaled over
//! many changes (compacted on the way) survives SIGKILL.

mod common;

use common::{
    ACCESS_KEY_ID, Emulator, SECRET_ACCESS_KEY, botocore_calls, call, instance, require_oracles, user_resources,
};
use serde_json::{Value, json};

const KEY: (&str, &str) = (ACCESS_KEY_ID, SECRET_ACCESS_KEY);

fn user(iid: &str, name: &str, rp: &str, sps: &[&str], extra: Value) -> Value {
    let mut params = json!({"InstanceId": iid, "Username": name, "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
        "SecurityProfileIds": sps, "RoutingProfileId": rp});
    if let (Some(p), Value::Object(extra)) = (params.as_object_mut(), extra) {
        p.extend(extra);
    }
    json!(["CreateUser", params])
}

#[test]
fn profiles_and_groups_in_use_by_a_user_cannot_be_deleted() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, _, _) = instance(url);
    let (rp, sp, top) = user_resources(url, &iid);
    let child =
        call(url, "CreateUserHierarchyGroup", json!({"InstanceId": iid, "Name": "France", "ParentGroupId": top}));
    let child = child["output"]["HierarchyGroupId"].as_str().unwrap().to_owned();
    let mary = call(url, "CreateUser", user(&iid, "mary", &rp, &[&sp], json!({"HierarchyGroupId": child}))[1].clone());
    let (mary_id, mary_arn) =
        (mary["output"]["UserId"].as_str().unwrap().to_owned(), mary["output"]["UserArn"].as_str().unwrap().to_owned());

    let deletes = [
        json!(["DeleteRoutingProfile", {"InstanceId": iid, "RoutingProfileId": rp}]),
        json!(["DeleteSecurityProfile", {"InstanceId": iid, "SecurityProfileId": sp}]),
        json!(["DeleteUserHierarchyGroup", {"InstanceId": iid, "HierarchyGroupId": child}]),
    ];
    for answer in botocore_calls(url, KEY, &deletes) {
        assert_eq!((answer["status"].as_u64(), answer["code"].as_str()), (Some(409), Some("ResourceInUseException")));
        assert_eq!(answer["fields"]["ResourceType"], "USER", "{answer}");
        assert_eq!(answer["fields"]["ResourceId"], json!(mary_arn), "{answer}");
        assert!(answer["message"].as_str().unwrap().contains("in use by 1 user"), "{answer}");
    }
    // The parent of another group is in use by that group.
    let parent = call(url, "DeleteUserHierarchyGroup", json!({"InstanceId": iid, "HierarchyGroupId": top}));
    assert_eq!(parent["code"], "ResourceInUseException");
    assert_eq!(parent["fields"]["ResourceType"], "HIERARCHY_GROUP", "{parent}");
    // Once the user is gone, they can be deleted, the child group before its parent.
    let gone = call(url, "DeleteUser", json!({"InstanceId": iid, "UserId": mary_id}));
    assert_eq!(gone["status"], 200);
    let mut after = deletes.to_vec();
    after.push(json!(["DeleteUserHierarchyGroup", {"InstanceId": iid, "HierarchyGroupId": top}]));
    let answers = botocore_calls(url, KEY, &after);
    assert!(answers.iter().all(|a| a["status"] == 200), "{answers:?}");
    assert!(emulator.stop());
}

#[test]
fn a_repeated_client_token_gets_the_first_answer() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let create = json!(["CreateInstance", {"IdentityManagementType": "CONNECT_MANAGED", "InboundCallsEnabled": true,
        "OutboundCallsEnabled": true, "InstanceAlias": "first", "ClientToken": "token-1"}]);
    let answers = botocore_calls(&emulator.url, KEY, &[create.clone(), create, json!(["ListInstances", {}])]);
    assert_eq!(answers[0]["output"]["Id"], answers[1]["output"]["Id"]);
    assert_eq!(answers[2]["output"]["InstanceSummaryList"].as_array().unwrap().len(), 1, "created once");
    let iid = answers[0]["output"]["Id"].as_str().unwrap();
    let delete = json!(["DeleteInstance", {"InstanceId": iid, "ClientToken": "token-2"}]);
    let other = json!(["DeleteInstance", {"InstanceId": iid, "ClientToken": "token-3"}]);
    let answers = botocore_calls(&emulator.url, KEY, &[delete.clone(), delete, other]);
    let statuses: Vec<_> = answers.iter().map(|a| a["status"].as_u64()).collect();
    // The retry of the delete is answered as the delete was; another token finds nothing.
    assert_eq!(statuses, [Some(200), Some(200), Some(404)], "{answers:?}");
    assert!(emulator.stop());
}

#[test]
fn search_users_by_hierarchy_group_tags_and_nested_conditions() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, rp, sp) = instance(url);
    let top = call(url, "CreateUserHierarchyGroup", json!({"InstanceId": iid, "Name": "Europe"}));
    let top = top["output"]["HierarchyGroupId"].as_str().unwrap().to_owned();
    let child =
        call(url, "CreateUserHierarchyGroup", json!({"InstanceId": iid, "Name": "France", "ParentGroupId": top}));
    let child = child["output"]["HierarchyGroupId"].as_str().unwrap().to_owned();
    let users = [
        user(&iid, "anna", &rp, &[&sp], json!({"HierarchyGroupId": top, "Tags": {"team": "red", "site": "paris"}})),
        user(&iid, "bruno", &rp, &[&sp], json!({"HierarchyGroupId": child, "Tags": {"team": "blue"}})),
        user(&iid, "carla", &rp, &[&sp], json!({"Tags": {"team": "red"}, "IdentityInfo": {"FirstName": "Carla"}})),
    ];
    assert!(botocore_calls(url, KEY, &users).iter().all(|a| a["status"] == 200));
    let search = |criteria: Value, filter: Value| -> Vec<String> {
        let mut params = json!({"InstanceId": iid});
        if !criteria.is_null() {
            params["SearchCriteria"] = criteria;
        }
        if !filter.is_null() {
            params["SearchFilter"] = json!({"TagFilter": filter});
        }
        let answer = call(url, "SearchUsers", params);
        assert_eq!(answer["status"], 200, "{answer}");
        let found = answer["output"]["Users"].as_array().unwrap();
        assert_eq!(answer["output"]["ApproximateTotalCount"], json!(found.len()));
        found.iter().map(|u| u["Username"].as_str().unwrap().to_owned()).collect()
    };
    let group = |id: &str, how: &str| json!({"HierarchyGroupCondition": {"Value": id, "HierarchyGroupMatchType": how}});
    assert_eq!(search(group(&top, "EXACT"), Value::Null), ["anna"]);
    assert_eq!(search(group(&top, "WITH_CHILD_GROUPS"), Value::Null), ["anna", "bruno"]);
    assert_eq!(search(group(&child, "WITH_CHILD_GROUPS"), Value::Null), ["bruno"]);
    let tag = |k: &str, v: &str| json!({"TagKey": k, "TagValue": v});
    assert_eq!(search(Value::Null, json!({"TagCondition": tag("team", "red")})), ["anna", "carla"]);
    assert_eq!(search(Value::Null, json!({"AndConditions": [tag("team", "red"), tag("site", "paris")]})), ["anna"]);
    let or = json!({"OrConditions": [[tag("team", "blue")], [tag("team", "red"), tag("site", "paris")]]});
    assert_eq!(search(Value::Null, or), ["anna", "bruno"]);
    let string = |field: &str, value: &str| {
        json!({"StringCondition": {"FieldName": field, "Value": value,
        "ComparisonType": "EXACT"}})
    };
    let nested = json!({"OrConditions": [
        {"AndConditions": [string("Username", "bruno"), group(&top, "WITH_CHILD_GROUPS")]},
        string("FirstName", "Carla")]});
    assert_eq!(search(nested, Value::Null), ["bruno", "carla"]);
    assert_eq!(search(group(&top, "WITH_CHILD_GROUPS"), json!({"TagCondition": tag("team", "blue")})), ["bruno"]);
    assert!(emulator.stop());
}

#[test]
fn an_unknown_instance_is_not_found_for_every_instance_scoped_operation() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let url = &emulator.url;
    let (iid, _, _) = instance(url);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let calls = [
        json!(["ListQueues", {"InstanceId": unknown}]),
        json!(["DescribeUser", {"InstanceId": unknown, "UserId": "u"}]),
        json!(["DescribeContact", {"InstanceId": unknown, "ContactId": "c"}]),
        json!(["ListQueues", {"InstanceId": iid}]),
    ];
    let answers = botocore_calls(url, KEY, &calls);
    for a in &answers[..3] {
        assert_eq!((a["status"].as_u64(), a["code"].as_str()), (Some(404), Some("ResourceNotFoundException")), "{a}");
        assert!(a["message"].as_str().unwrap().contains(unknown), "{a}");
    }
    assert_eq!(answers[3]["status"], 200, "{}", answers[3]);
    assert!(emulator.stop());
}

#[test]
fn a_journaled_state_of_many_changes_survives_sigkill() {
    require_oracles();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let first = Emulator::start(&["--throttle", "off", "--state", state_arg]);
    let (iid, rp, sp) = instance(&first.url);
    // More changes than the journal keeps before it is folded into a new snapshot.
    let users: Vec<Value> = (0..1200).map(|i| user(&iid, &format!("user{i:04}"), &rp, &[&sp], json!({}))).collect();
    assert!(botocore_calls(&first.url, KEY, &users).iter().all(|a| a["status"] == 200));
    let renamed = call(
        &first.url,
        "UpdateUserIdentityInfo",
        json!({"InstanceId": iid, "UserId": "x", "IdentityInfo": {"FirstName": "Nobody"}}),
    );
    assert_eq!(renamed["status"], 404);
    let journal = std::fs::read_to_string(dir.path().join("state.json.journal")).unwrap();
    assert!(journal.lines().count() < 1200, "the journal was folded into the snapshot");
    assert!(state.exists());
    first.kill();
    let second = Emulator::start(&["--throttle", "off", "--state", state_arg]);
    let listed = call(&second.url, "SearchUsers", json!({"InstanceId": iid, "MaxResults": 100}));
    assert_eq!(listed["output"]["ApproximateTotalCount"], 1200, "{}", listed["output"]["ApproximateTotalCount"]);
    let last = call(
        &second.url,
        "SearchUsers",
        json!({"InstanceId": iid, "SearchCriteria": {"StringCondition": {"FieldName": "Username", "Value": "user1199",
            "ComparisonType": "EXACT"}}}),
    );
    assert_eq!(last["output"]["Users"][0]["Username"], "user1199");
    assert!(second.stop());
    // After a stop, the snapshot holds everything and the journal is empty.
    assert_eq!(std::fs::metadata(dir.path().join("state.json.journal")).unwrap().len(), 0);
}
