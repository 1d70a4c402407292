//! What the emulator keeps, as tables: the kinds of resource (which operations create, describe,
//! list, search, update and delete each, which members name it), what an instance starts with,
//! which request members refer to which kind, and the classification of the model's operations
//! into those actions.

use std::collections::HashMap;

use connect_core::model::{Location, Operation};

/// A kind of resource the emulator keeps.
pub struct KindSpec {
    pub kind: &'static str,
    /// The member that carries its id in requests (`UserId`).
    pub id_member: &'static str,
    /// The ARN resource path under its instance (`agent` for `instance/ID/agent/ID`); empty for
    /// instances.
    pub arn_path: &'static str,
    /// The member that names it, unique within its instance where the create operation models
    /// `DuplicateResourceException`.
    pub name_member: &'static str,
    pub create: &'static str,
    pub describe: &'static str,
    pub list: &'static str,
    pub search: Option<&'static str>,
    pub delete: &'static str,
    /// Members every new resource of the kind has unless given (JSON texts; `{account}`,
    /// `{region}` and `{id}` are replaced).
    pub defaults: &'static [(&'static str, &'static str)],
}

pub const INSTANCE: &str = "instance";

pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: INSTANCE,
        id_member: "InstanceId",
        arn_path: "",
        name_member: "InstanceAlias",
        create: "CreateInstance",
        describe: "DescribeInstance",
        list: "ListInstances",
        search: None,
        delete: "DeleteInstance",
        defaults: &[
            ("InstanceStatus", r#""ACTIVE""#),
            (
                "ServiceRole",
                r#""arn:aws:iam::{account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_{id}""#,
            ),
        ],
    },
    KindSpec {
        kind: "user",
        id_member: "UserId",
        arn_path: "agent",
        name_member: "Username",
        create: "CreateUser",
        describe: "DescribeUser",
        list: "ListUsers",
        search: Some("SearchUsers"),
        delete: "DeleteUser",
        defaults: &[],
    },
    KindSpec {
        kind: "routing-profile",
        id_member: "RoutingProfileId",
        arn_path: "routing-profile",
        name_member: "Name",
        create: "CreateRoutingProfile",
        describe: "DescribeRoutingProfile",
        list: "ListRoutingProfiles",
        search: Some("SearchRoutingProfiles"),
        delete: "DeleteRoutingProfile",
        defaults: &[],
    },
    KindSpec {
        kind: "security-profile",
        id_member: "SecurityProfileId",
        arn_path: "security-profile",
        name_member: "SecurityProfileName",
        create: "CreateSecurityProfile",
        describe: "DescribeSecurityProfile",
        list: "ListSecurityProfiles",
        search: Some("SearchSecurityProfiles"),
        delete: "DeleteSecurityProfile",
        defaults: &[],
    },
    KindSpec {
        kind: "hierarchy-group",
        id_member: "HierarchyGroupId",
        arn_path: "agent-group",
        name_member: "Name",
        create: "CreateUserHierarchyGroup",
        describe: "DescribeUserHierarchyGroup",
        list: "ListUserHierarchyGroups",
        search: Some("SearchUserHierarchyGroups"),
        delete: "DeleteUserHierarchyGroup",
        defaults: &[],
    },
];

/// What Connect creates with every instance: its default routing profile and security profiles.
pub const INSTANCE_CONTENTS: &[(&str, &str)] = &[
    (
        "routing-profile",
        r#"{"Name": "Basic Routing Profile", "Description": "Default routing profile", "IsDefault": true,
            "MediaConcurrencies": [{"Channel": "VOICE", "Concurrency": 1}]}"#,
    ),
    ("security-profile", r#"{"SecurityProfileName": "Admin", "Description": "Administrator"}"#),
    ("security-profile", r#"{"SecurityProfileName": "Agent", "Description": "Agent"}"#),
    ("security-profile", r#"{"SecurityProfileName": "CallCenterManager", "Description": "Call center manager"}"#),
    ("security-profile", r#"{"SecurityProfileName": "QualityAnalyst", "Description": "Quality analyst"}"#),
];

/// Request members that refer to resources of a kind, which must exist in the same instance.
pub const REFERENCES: &[(&str, &str)] = &[
    ("RoutingProfileId", "routing-profile"),
    ("SecurityProfileIds", "security-profile"),
    ("HierarchyGroupId", "hierarchy-group"),
    ("ParentGroupId", "hierarchy-group"),
];

/// Operations that describe a setting of an instance that an update of the instance stores
/// (`UpdateUserHierarchyStructure` stores `HierarchyStructure`).
pub const INSTANCE_SETTINGS: &[&str] = &["DescribeUserHierarchyStructure"];

/// The operations that tag, untag and list the tags of any resource by its ARN.
pub const TAG_OPERATIONS: [&str; 3] = ["TagResource", "UntagResource", "ListTagsForResource"];

/// What a stateful operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Describe,
    List,
    Search,
    Update,
    Delete,
    Tag,
    Untag,
    ListTags,
}

/// The stateful operations: name → action and kind (an index into [`KINDS`]).
pub fn classify(operations: &[&'static Operation]) -> HashMap<&'static str, (Action, usize)> {
    let mut map = HashMap::new();
    for op in operations {
        let labels: Vec<&str> = op
            .input()
            .map_or(&[][..], |s| s.members())
            .iter()
            .filter(|m| m.location() == Location::Label)
            .map(|m| m.name())
            .collect();
        for (i, spec) in KINDS.iter().enumerate() {
            let action = if op.name() == spec.create {
                Action::Create
            } else if op.name() == spec.describe {
                Action::Describe
            } else if op.name() == spec.list {
                Action::List
            } else if Some(op.name()) == spec.search {
                Action::Search
            } else if op.name() == spec.delete {
                Action::Delete
            } else if op.name().starts_with("Update") && same_labels(&labels, spec) {
                Action::Update
            } else if spec.kind == INSTANCE && INSTANCE_SETTINGS.contains(&op.name()) {
                Action::Describe
            } else {
                continue;
            };
            map.insert(op.name(), (action, i));
        }
        let tag = [Action::Tag, Action::Untag, Action::ListTags];
        if let Some(at) = TAG_OPERATIONS.iter().position(|n| *n == op.name()) {
            map.insert(op.name(), (tag[at], 0));
        }
    }
    map
}

/// Whether an operation's labels are exactly those that address one resource of `spec`.
fn same_labels(labels: &[&str], spec: &KindSpec) -> bool {
    let mut want = vec![spec.id_member];
    if spec.kind != INSTANCE {
        want.push("InstanceId");
    }
    labels.len() == want.len() && want.iter().all(|w| labels.contains(w))
}

/// The kind spec at an index of [`KINDS`].
pub fn spec(index: usize) -> &'static KindSpec {
    &KINDS[index]
}
