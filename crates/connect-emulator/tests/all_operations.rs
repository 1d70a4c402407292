//! Every operation of the model against the emulator, through botocore (an independent client:
//! its serializer, signer and parser, in one python3 process): a valid request gets 2xx and an
//! output that botocore parses with every member its model requires (and, for a paginated
//! operation, pages that end); a request missing a required member gets a 400 error that the
//! operation models.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Emulator, INSTALL, Rng, client_env, require_oracles, valid_value};
use connect_core::generated::SERVICE;
use connect_core::model::{Kind, Location, Operation};
use serde_json::{Value, json};

/// botocore's client for each case; the placeholders `$INSTANCE` … become the ids of resources it
/// creates first (an instance, its default profiles, a user, a hierarchy group; spare profiles for
/// the operations that delete one).
const BOTOCORE: &str = r#"
import json, sys
import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
job = json.load(sys.stdin)
session = botocore.session.get_session()
client = session.create_client('connect', region_name=job['region'], endpoint_url=job['url'],
    aws_access_key_id=job['akid'], aws_secret_access_key=job['secret'],
    config=Config(parameter_validation=False, retries={'total_max_attempts': 1}))
model = session.get_service_model('connect')
inst = client.create_instance(IdentityManagementType='CONNECT_MANAGED', InboundCallsEnabled=True, OutboundCallsEnabled=True)
iid = inst['Id']
rp = client.list_routing_profiles(InstanceId=iid)['RoutingProfileSummaryList'][0]['Id']
sp = client.list_security_profiles(InstanceId=iid)['SecurityProfileSummaryList'][0]['Id']
hg = client.create_user_hierarchy_group(InstanceId=iid, Name='setup-group')['HierarchyGroupId']
uid = client.create_user(InstanceId=iid, Username='setup-user', PhoneConfig={'PhoneType': 'SOFT_PHONE'},
    SecurityProfileIds=[sp], RoutingProfileId=rp)['UserId']
subst = {'$INSTANCE': iid, '$INSTANCE_ARN': inst['Arn'], '$USER': uid, '$ROUTING_PROFILE': rp,
         '$SECURITY_PROFILE': sp, '$HIERARCHY_GROUP': hg}
# Profiles no user refers to, for the operations that delete one (a profile in use cannot be).
spare = {'$ROUTING_PROFILE': client.create_routing_profile(InstanceId=iid, Name='spare', Description='spare',
             DefaultOutboundQueueId='q', MediaConcurrencies=[{'Channel': 'VOICE', 'Concurrency': 1}])['RoutingProfileId'],
         '$SECURITY_PROFILE': client.create_security_profile(InstanceId=iid, SecurityProfileName='spare')['SecurityProfileId']}
def fill(v, deleting):
    if isinstance(v, str):
        return (deleting and spare.get(v)) or subst.get(v, v)
    if isinstance(v, list):
        return [fill(i, deleting) for i in v]
    return v
out = []
for case in job['cases']:
    params = {k: fill(v, case['operation'].startswith('Delete')) for k, v in case['params'].items()}
    op = model.operation_model(case['operation'])
    try:
        parsed = client._make_api_call(case['operation'], params)
        status = parsed.get('ResponseMetadata', {}).get('HTTPStatusCode')
        shape = op.output_shape
        missing = [m for m in (shape.required_members if shape else []) if m not in parsed]
        # A paginated operation's pages must end: botocore's paginator fetches them all.
        pages = None
        name = xform_name(case['operation'])
        if client.can_paginate(name):
            try:
                client.get_paginator(name).paginate(**params).build_full_result()
                pages = 'ok'
            except Exception as e:
                pages = '%s: %s' % (type(e).__name__, e)
        out.append({'status': status, 'code': None, 'missing_output': missing, 'pages': pages})
    except ClientError as e:
        out.append({'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'code': e.response['Error']['Code'],
                    'message': e.response['Error'].get('Message'), 'missing_output': []})
    except Exception as e:
        out.append({'status': None, 'code': type(e).__name__, 'message': str(e), 'missing_output': []})
json.dump(out, sys.stdout)
"#;

/// Top-level members that name the resources created first.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("InstanceId", "$INSTANCE"),
    ("UserId", "$USER"),
    ("RoutingProfileId", "$ROUTING_PROFILE"),
    ("SecurityProfileId", "$SECURITY_PROFILE"),
    ("HierarchyGroupId", "$HIERARCHY_GROUP"),
    ("ParentGroupId", "$HIERARCHY_GROUP"),
];

fn params(op: &Operation, rng: &mut Rng, serial: usize) -> serde_json::Map<String, Value> {
    let shape = op.input().unwrap();
    let Value::Object(mut map) = valid_value(rng, shape, 0) else { unreachable!() };
    // A made-up pagination token is not valid: every request asks for the first page.
    if let Some(token) = op.paginated().and_then(|p| p.input_token) {
        map.remove(token);
    }
    for m in shape.members() {
        if let Some((_, placeholder)) = PLACEHOLDERS.iter().find(|(name, _)| *name == m.name()) {
            if map.contains_key(m.name()) || m.required() {
                map.insert(m.name().to_owned(), json!(placeholder));
            }
        }
        if m.name() == "SecurityProfileIds" && map.contains_key(m.name()) {
            map.insert(m.name().to_owned(), json!(["$SECURITY_PROFILE"]));
        }
        if m.name() == "resourceArn" {
            map.insert(m.name().to_owned(), json!("$INSTANCE_ARN"));
        }
        // Names that must be unique get unique values.
        let unique = ["Username", "Name", "SecurityProfileName", "InstanceAlias"];
        if unique.contains(&m.name()) && matches!(m.target().kind(), Kind::String) && map.contains_key(m.name()) {
            let len = m.target().length().and_then(|b| b.max).unwrap_or(64.0) as usize;
            let name: String = format!("n{serial}x").chars().take(len.max(1)).collect();
            map.insert(m.name().to_owned(), json!(name));
        }
    }
    map
}

#[test]
fn every_operation_answers_valid_and_invalid_requests_as_modeled() {
    require_oracles();
    let emulator = Emulator::start(&["--throttle", "off"]);
    let mut rng = Rng(0xc0ffee);
    let mut cases = Vec::new();
    // Requests missing a required member that is not a URI label (a missing label is a different
    // path); then the valid ones, deletions last and the instance's deletion at the very end.
    let mut skipped_missing = Vec::new();
    for op in SERVICE.operations() {
        let Some(shape) = op.input() else { continue };
        let droppable: Vec<_> =
            shape.members().iter().filter(|m| m.required() && m.location() != Location::Label).collect();
        if droppable.is_empty() {
            skipped_missing.push(op.name());
            continue;
        }
        let mut p = params(op, &mut rng, cases.len());
        let drop = droppable[rng.below(droppable.len() as u64) as usize];
        p.remove(drop.name());
        cases.push((op, p, Some(drop.name())));
    }
    let mut ordered: Vec<&Operation> = SERVICE.operations().collect();
    ordered.sort_by_key(|op| (op.name().starts_with("Delete"), op.name() == "DeleteInstance"));
    for op in ordered {
        let p = op.input().map(|_| params(op, &mut rng, cases.len())).unwrap_or_default();
        cases.push((op, p, None));
    }
    let job = json!({
        "url": emulator.url, "region": common::REGION, "akid": common::ACCESS_KEY_ID, "secret": common::SECRET_ACCESS_KEY,
        "cases": cases.iter().map(|(op, p, _)| json!({"operation": op.name(), "params": p})).collect::<Vec<_>>(),
    });
    let mut cmd = Command::new("python3");
    client_env(&mut cmd).args(["-c", BOTOCORE]).stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("python3 is needed ({e}): {INSTALL}"));
    let written = child.stdin.take().unwrap().write_all(job.to_string().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the botocore client failed (is botocore installed? {INSTALL})");
    written.unwrap();
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), cases.len());

    let mut failures = Vec::new();
    let (mut valid_ok, mut invalid_ok) = (0, 0);
    for ((op, p, dropped), r) in cases.iter().zip(&results) {
        let status = r["status"].as_u64().unwrap_or(0);
        match dropped {
            None => {
                let missing = r["missing_output"].as_array().map_or(0, Vec::len);
                let pages_end = r["pages"].is_null() || r["pages"] == "ok";
                if (200..300).contains(&status) && missing == 0 && pages_end {
                    valid_ok += 1;
                } else {
                    failures.push(format!("{} (valid): {r} for {}", op.name(), Value::Object(p.clone())));
                }
            }
            Some(member) => {
                let code = r["code"].as_str().unwrap_or("");
                let modeled = op.errors().any(|e| e.name() == code && e.error().is_some_and(|t| t.http_status == 400));
                let names_member = r["message"].as_str().is_some_and(|m| m.contains(member));
                if status == 400 && modeled && names_member {
                    invalid_ok += 1;
                } else {
                    failures.push(format!("{} (without {member}): {r}", op.name()));
                }
            }
        }
    }
    let total = SERVICE.operations().len();
    eprintln!(
        "{valid_ok} of {total} operations answer a valid request; {invalid_ok} of {} answer a missing required member with a modeled 400 ({} have only labels required)",
        total - skipped_missing.len(),
        skipped_missing.len()
    );
    assert!(emulator.stop(), "the emulator exits cleanly on SIGTERM");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures[..failures.len().min(15)].join("\n"));
    assert_eq!(valid_ok, total);
}
