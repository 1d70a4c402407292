//! Partition drift against botocore: `models/partitions.json` (the source of the generated
//! partition table the endpoint rules use) compared fact by fact with the `partitions.json` of
//! the installed botocore, which the AWS CLI resolves endpoints with; and the runtime's
//! `aws.partition` compared with botocore's on every listed region and on unlisted ones.
//!
//! A fact is one leaf of the file: `version`, `partitions` (the ids in order: the first is the
//! default), and `partition.<id>.<path>` for everything else a partition holds (`regionRegex`,
//! `outputs.<key>`, `regions.<region>.<key>`, an empty object being a leaf of its own). Each side
//! flattens its own file: botocore's in Python, ours here.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::wire::endpoint::partitions::{PARTITIONS, partition_for};
use serde_json::{Map, Value, json};

/// botocore's facts as one JSON object `{fact: value}`; with `lookup` as argument, reads a JSON
/// list of regions on standard input and writes what botocore's `aws.partition` returns for each.
const BOTOCORE: &str = r#"
import json, sys
try:
    import botocore, botocore.loaders
    from botocore.endpoint_provider import RuleSetStandardLibrary
except ImportError:
    sys.exit("botocore is not installed: pip install -r .ci/requirements.txt")
data = botocore.loaders.create_loader().load_data('partitions')
if sys.argv[1:] == ['lookup']:
    lib = RuleSetStandardLibrary(json.loads(json.dumps(data)))
    json.dump([lib.aws_partition(r) for r in json.load(sys.stdin)], sys.stdout)
    sys.exit(0)
facts = {}
def walk(prefix, value):
    if isinstance(value, dict) and value:
        for k, v in value.items():
            walk(prefix + '.' + k, v)
    else:
        facts[prefix] = value
for key, value in data.items():
    if key == 'partitions':
        facts['partitions'] = [p['id'] for p in value]
        for p in value:
            walk('partition.' + p['id'], {k: v for k, v in p.items() if k != 'id'})
    else:
        walk(key, value)
json.dump(facts, sys.stdout)
"#;

fn botocore(args: &[&str], input: &str) -> Value {
    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); the partition drift check needs botocore: pip install -r .ci/requirements.txt")
        });
    // The facts script reads nothing: a closed pipe is not an error there.
    let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    let out = child.wait_with_output().expect("python3 runs");
    assert!(
        out.status.success(),
        "botocore's partitions could not be read (pip install -r .ci/requirements.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("botocore's answer as JSON")
}

fn ours_file() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/partitions.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// Our facts, flattened as the module documentation says.
fn ours() -> BTreeMap<String, Value> {
    fn walk(prefix: String, value: &Value, facts: &mut BTreeMap<String, Value>) {
        match value {
            Value::Object(o) if !o.is_empty() => {
                for (k, v) in o {
                    walk(format!("{prefix}.{k}"), v, facts);
                }
            }
            leaf => {
                assert!(facts.insert(prefix.clone(), leaf.clone()).is_none(), "fact {prefix} twice");
            }
        }
    }
    let file = ours_file();
    let mut facts = BTreeMap::new();
    for (key, value) in file.as_object().expect("models/partitions.json is an object") {
        if key == "partitions" {
            let list = value.as_array().expect("partitions is an array");
            let ids: Vec<Value> = list.iter().map(|p| p["id"].clone()).collect();
            facts.insert("partitions".to_owned(), Value::Array(ids));
            for p in list {
                let id = p["id"].as_str().expect("a partition id is a string");
                let rest: Map<String, Value> = p
                    .as_object()
                    .expect("a partition is an object")
                    .iter()
                    .filter(|(k, _)| *k != "id")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                walk(format!("partition.{id}"), &Value::Object(rest), &mut facts);
            }
        } else {
            walk(key.clone(), value, &mut facts);
        }
    }
    facts
}

#[test]
fn partitions_file_equals_botocores() {
    let theirs: BTreeMap<String, Value> = match botocore(&[], "") {
        Value::Object(o) => o.into_iter().collect(),
        other => panic!("botocore's facts are not an object: {other}"),
    };
    let ours = ours();
    let mut problems = Vec::new();
    for key in ours.keys().chain(theirs.keys().filter(|k| !ours.contains_key(*k))) {
        match (ours.get(key), theirs.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_owned(), Value::to_string);
                problems.push(format!("{key}: models/partitions.json {}, botocore {}", show(a), show(b)));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "models/partitions.json differs from botocore's partitions.json in {} of {} facts (copy botocore's file \
         to models/partitions.json, then run `cargo xtask codegen`):\n{}",
        problems.len(),
        ours.len().max(theirs.len()),
        problems.join("\n")
    );
    // A file that lost its partitions would compare equal to nothing useful.
    assert!(ours.len() > 50, "only {} facts: {ours:?}", ours.len());
    eprintln!("{} partition facts equal botocore's", ours.len());
}

/// Regions to look up: every listed one, each with its last number and its middle word changed
/// (so that the partitions' regular expressions decide), and names no partition claims.
///
/// Left out, as they are not region names botocore lets through to endpoint resolution or are
/// differences of the regular-expression dialect only: non-ASCII letters and digits (Python's
/// `\w` and `\d` take them, regex-lite's ASCII classes do not) and a trailing newline (Python's
/// `$` matches before it).
fn regions() -> Vec<String> {
    let mut out = Vec::new();
    for p in PARTITIONS {
        for r in p.regions {
            out.push((*r).to_owned());
            let parts: Vec<&str> = r.split('-').collect();
            if let [head @ .., middle, last] = parts.as_slice() {
                if last.bytes().all(|b| b.is_ascii_digit()) {
                    out.push(format!("{}-{middle}-97", head.join("-")));
                    out.push(format!("{}-zzz-{last}", head.join("-")));
                    out.push(format!("{}-{middle}-{last}x", head.join("-")));
                }
            }
        }
    }
    for r in ["", "xx-foo-1", "eusc-fr-east-1", "us-east", "us--1", "us-a_b-1", "US-EAST-1", "aws-global-2", "cn-1-1"] {
        out.push(r.to_owned());
    }
    out
}

#[test]
fn partition_lookup_equals_botocores() {
    let regions = regions();
    let theirs = botocore(&["lookup"], &json!(regions).to_string());
    let theirs = theirs.as_array().expect("botocore's answers are a list");
    assert_eq!(theirs.len(), regions.len());
    let mut problems = Vec::new();
    for (region, want) in regions.iter().zip(theirs) {
        let got = partition_for(region).outputs();
        if &got != want {
            problems.push(format!("{region:?}: ours {got}, botocore {want}"));
        }
    }
    assert!(problems.is_empty(), "aws.partition differs from botocore's:\n{}", problems.join("\n"));
    eprintln!("{} regions resolve to botocore's partitions", regions.len());
}
