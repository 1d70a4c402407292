//! Tests of the generator: freshness of the checked-in code, snapshots of the output for a tiny
//! fixture model and a tiny partition table, refusal of what the partition generator does not
//! know, and what check mode reports. (The facts of `models/connect.json` are checked against
//! botocore's model by connect-core's `model_drift_botocore` test, and against an official Smithy
//! model by `cargo xtask import --check`, which needs that model: it is not shipped.)

use std::path::{Path, PathBuf};

use xtask::{GENERATED_DIR, MODEL, Mode, PARTITIONS, QUOTAS, Source, codegen, workspace_root};

#[test]
fn generated_code_is_fresh() {
    let root = workspace_root();
    let (model, partitions) = (root.join(MODEL), root.join(PARTITIONS));
    let (model, partitions) = (Source { path: &model, label: MODEL }, Source { path: &partitions, label: PARTITIONS });
    let quotas = root.join(QUOTAS);
    let quotas = Source { path: &quotas, label: QUOTAS };
    if let Err(e) = codegen(model, partitions, quotas, &root.join(GENERATED_DIR), Mode::Check) {
        panic!("{e}");
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn tiny_model_output() {
    let model = xtask::smithy::parse(&std::fs::read_to_string(fixture("tiny.json")).unwrap()).unwrap();
    let files = xtask::codegen::generate(&model, "tests/fixtures/tiny.json").unwrap();
    for file in files {
        insta::assert_snapshot!(format!("tiny_{}", file.name.trim_end_matches(".rs")), file.contents);
    }
}

#[test]
fn tiny_partitions_output() {
    let text = std::fs::read_to_string(fixture("partitions.json")).unwrap();
    let file = xtask::codegen::partitions::generate(&text, "tests/fixtures/partitions.json").unwrap();
    assert_eq!(file.name, "partitions.rs");
    insta::assert_snapshot!("tiny_partitions", file.contents);
}

/// A fact the partition generator does not know is refused with its place, never dropped.
#[test]
fn partition_generator_refuses_what_it_does_not_know() {
    let text = std::fs::read_to_string(fixture("partitions.json")).unwrap();
    let base: serde_json::Value = serde_json::from_str(&text).unwrap();
    type Case = (&'static str, fn(&mut serde_json::Value), &'static str);
    let cases: &[Case] = &[
        ("unknown top-level key", |v| v["services"] = serde_json::json!({}), "the file: unknown key `services`"),
        ("version", |v| v["version"] = "2.0".into(), "version 2.0 is not supported"),
        ("no partitions", |v| v["partitions"] = serde_json::json!([]), "`partitions` must be a non-empty array"),
        (
            "unknown output",
            |v| v["partitions"][1]["outputs"]["supportsIPv8"] = true.into(),
            "partition aws-test: outputs: unknown key `supportsIPv8`",
        ),
        (
            "missing output",
            |v| {
                v["partitions"][0]["outputs"].as_object_mut().unwrap().remove("implicitGlobalRegion");
            },
            "partition aws: outputs: `implicitGlobalRegion` must be a string",
        ),
        (
            "mistyped output",
            |v| v["partitions"][0]["outputs"]["supportsFIPS"] = "yes".into(),
            "partition aws: outputs: `supportsFIPS` must be a boolean",
        ),
        (
            "name other than the id",
            |v| v["partitions"][1]["outputs"]["name"] = "aws".into(),
            "partition aws-test: outputs: name aws differs from the id",
        ),
        (
            "region override",
            |v| v["partitions"][0]["regions"]["us-east-1"]["dnsSuffix"] = "example.com".into(),
            "partition aws: region us-east-1: unknown key `dnsSuffix`",
        ),
        (
            "unknown partition key",
            |v| v["partitions"][0]["variants"] = serde_json::json!([]),
            "partition aws: unknown key `variants`",
        ),
        ("duplicate id", |v| v["partitions"][1]["id"] = "aws".into(), "partition aws is listed twice"),
    ];
    for (what, change, message) in cases {
        let mut v = base.clone();
        change(&mut v);
        match xtask::codegen::partitions::generate(&v.to_string(), "p.json") {
            Ok(_) => panic!("{what}: accepted"),
            Err(e) => assert!(e.to_string().starts_with("p.json: ") && e.to_string().contains(message), "{what}: {e}"),
        }
    }
    let Err(e) = xtask::codegen::partitions::generate("{", "p.json") else { panic!("accepted text that is not JSON") };
    assert!(e.to_string().contains("not JSON"), "{e}");
}

#[test]
fn check_mode_reports_a_diff_and_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let (model, partitions) = (fixture("tiny.json"), fixture("partitions.json"));
    let (model, partitions) =
        (Source { path: &model, label: "tiny.json" }, Source { path: &partitions, label: "partitions.json" });
    let quotas = fixture("quotas.json");
    let quotas = Source { path: &quotas, label: "quotas.json" };
    codegen(model, partitions, quotas, dir.path(), Mode::Write).unwrap();
    codegen(model, partitions, quotas, dir.path(), Mode::Check).unwrap();
    let shapes = dir.path().join("shapes/t.rs");
    let text = std::fs::read_to_string(&shapes)
        .unwrap()
        .replace("Shape::list_of(\"ThingList\"", "Shape::list_of(\"ThingLust\"");
    std::fs::write(&shapes, text).unwrap();
    let table = dir.path().join("partitions.rs");
    let text = std::fs::read_to_string(&table).unwrap().replace("\"example.test\"", "\"example.tests\"");
    std::fs::write(&table, text).unwrap();
    std::fs::write(dir.path().join("old.rs"), "").unwrap();
    let err = codegen(model, partitions, quotas, dir.path(), Mode::Check).unwrap_err();
    assert!(err.contains("+    Shape::list_of(\"ThingList\", Thing)"), "{err}");
    assert!(err.contains("+        dns_suffix: \"example.test\","), "{err}");
    assert!(err.contains("old.rs is not generated any more"), "{err}");
    assert!(err.ends_with("Run `cargo xtask codegen` and commit the result."), "{err}");
    // In write mode the stale file goes and the edited ones are rewritten.
    codegen(model, partitions, quotas, dir.path(), Mode::Write).unwrap();
    assert!(!dir.path().join("old.rs").exists());
    codegen(model, partitions, quotas, dir.path(), Mode::Check).unwrap();
}
