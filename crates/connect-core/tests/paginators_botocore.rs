//! Differential test of automatic pagination against botocore's paginator model, which is what
//! the AWS CLI paginates by: for every operation, whether it is paginated, its tokens, its page
//! size member (`--page-size`), the list it merges, and the members kept from the first page.

use std::collections::BTreeSet;
use std::process::Command;

use connect_core::generated::SERVICE;
use connect_core::model::Kind;
use connect_core::wire::paginate::automatic;
use serde_json::{Value, json};

/// botocore's paginator configuration for each operation of the service (null when none).
const BOTOCORE: &str = r#"
import json, sys
import botocore.session
session = botocore.session.get_session()
model = session.get_service_model('connect')
config = session.get_paginator_model('connect')._paginator_config
out = {}
for name in model.operation_names:
    p = config.get(name)
    if p is not None:
        keys = p['result_key']
        p = {
            'input_token': p['input_token'],
            'output_token': p['output_token'],
            'limit_key': p.get('limit_key'),
            'result_key': keys if isinstance(keys, list) else [keys],
            'non_aggregate_keys': sorted(p.get('non_aggregate_keys', [])),
        }
    out[name] = p
json.dump(out, sys.stdout)
"#;

/// Ours, in botocore's terms. The members kept from the first page are the output's members
/// besides the merged list and the token.
fn ours(op: &connect_core::model::Operation) -> Value {
    let Some((trait_, input_token, output_token, items)) = automatic(op) else {
        return Value::Null;
    };
    let members = match op.output().map(|s| s.kind()) {
        Some(Kind::Structure(members)) => members.iter().map(|m| m.name()).collect::<BTreeSet<_>>(),
        _ => BTreeSet::new(),
    };
    let kept: Vec<&str> = members.into_iter().filter(|m| *m != items && *m != output_token).collect();
    json!({
        "input_token": input_token,
        "output_token": output_token,
        "limit_key": trait_.page_size,
        "result_key": [items],
        "non_aggregate_keys": kept,
    })
}

#[test]
fn pagination_equals_botocore() {
    let out = Command::new("python3")
        .args(["-c", BOTOCORE])
        .output()
        .expect("python3 with botocore is needed (installed by .ci/run)");
    assert!(out.status.success(), "botocore failed: {}", String::from_utf8_lossy(&out.stderr));
    let expected: serde_json::Map<String, Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut failures = Vec::new();
    let mut paginated = 0;
    let mut unknown = Vec::new();
    for op in SERVICE.operations() {
        // Every operation is compared: one that botocore does not know means that the installed
        // botocore is not the pinned one (or the pin is older than the model).
        let Some(want) = expected.get(op.name()) else {
            unknown.push(op.name());
            continue;
        };
        let got = ours(op);
        paginated += usize::from(!got.is_null());
        if &got != want {
            failures.push(format!("{}:\n  ours     {got}\n  botocore {want}", op.name()));
        }
    }
    assert!(
        unknown.is_empty(),
        "botocore does not know {unknown:?}: install the pinned oracles (pip install -r .ci/requirements.txt)"
    );
    assert!(failures.is_empty(), "{} operations differ:\n{}", failures.len(), failures.join("\n"));
    // Guards against comparing nothing: the Connect API has some 80 paginated operations.
    assert!(paginated >= 80, "only {paginated} paginated operations compared");
}
