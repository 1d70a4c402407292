//! Tests of the quota generator: every operation `models/quotas.json` names is an operation of
//! `models/connect.json` (read as plain JSON, not through the generator's model reader), the
//! output for a tiny fixture, and refusal of what the generator does not accept.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use xtask::{MODEL, QUOTAS, workspace_root};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_quota_names_an_operation_of_the_model() {
    let root = workspace_root();
    let (model, quotas) = (read_json(&root.join(MODEL)), read_json(&root.join(QUOTAS)));
    let shapes = model["shapes"].as_object().unwrap();
    let (service_id, service) = shapes.iter().find(|(_, s)| s["type"] == "service").unwrap();
    let namespace = service_id.split('#').next().unwrap();
    let listed: Vec<&str> =
        service["operations"].as_array().unwrap().iter().map(|t| t["target"].as_str().unwrap()).collect();
    let operations = quotas["operations"].as_object().unwrap();
    assert!(!operations.is_empty());
    for (name, quota) in operations {
        let id = format!("{namespace}#{name}");
        assert_eq!(shapes.get(&id).map(|s| &s["type"]), Some(&json!("operation")), "{name} is not a model operation");
        assert!(listed.contains(&id.as_str()), "{name} is not an operation of the service");
        let (rate, burst) = (quota["rate"].as_f64().unwrap(), quota["burst"].as_f64().unwrap());
        assert!(rate > 0.0 && burst >= 1.0, "{name}: {quota}");
    }
    // The default is Connect's documented 2 requests per second with a burst of 5.
    assert_eq!(quotas["default"], json!({"rate": 2, "burst": 5}));
}

fn tiny_model() -> xtask::smithy::Model {
    xtask::smithy::parse(&std::fs::read_to_string(fixture("tiny.json")).unwrap()).unwrap()
}

#[test]
fn tiny_quotas_output() {
    let text = std::fs::read_to_string(fixture("quotas.json")).unwrap();
    let file = xtask::codegen::quotas::generate(&text, "tests/fixtures/quotas.json", &tiny_model()).unwrap();
    assert_eq!(file.name, "quotas.rs");
    insta::assert_snapshot!("tiny_quotas", file.contents);
}

#[test]
fn refuses_what_it_does_not_know() {
    let base = read_json(&fixture("quotas.json"));
    type Edit = fn(&mut Value);
    let cases: &[(&str, Edit, &str)] = &[
        (
            "unknown operation",
            |v| v["operations"]["EatThing"] = json!({"rate": 1, "burst": 1}),
            "operation EatThing is not in the model",
        ),
        ("zero rate", |v| v["operations"]["PutThing"]["rate"] = json!(0), "rate 0 must be a positive number"),
        ("burst below one", |v| v["default"]["burst"] = json!(0.5), "default: burst 0.5 must be at least 1"),
        ("rate as text", |v| v["default"]["rate"] = json!("2"), "default: `rate` must be a number"),
        (
            "unknown key in a quota",
            |v| v["operations"]["PutThing"]["period"] = json!(1),
            "operation PutThing: unknown key `period`",
        ),
        ("unknown top key", |v| v["regions"] = json!({}), "unknown key `regions`"),
        ("no source", |v| v["source"] = json!(""), "`source` must be a non-empty string"),
        ("no default", |v| _ = v.as_object_mut().unwrap().remove("default"), "default must be an object"),
    ];
    for (what, edit, expected) in cases {
        let mut v = base.clone();
        edit(&mut v);
        match xtask::codegen::quotas::generate(&v.to_string(), "q.json", &tiny_model()) {
            Ok(_) => panic!("{what}: accepted"),
            Err(e) => assert!(e.to_string().contains(expected) && e.to_string().starts_with("q.json: "), "{what}: {e}"),
        }
    }
}
