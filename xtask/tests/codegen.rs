//! Tests of the generator: freshness of the checked-in code, snapshots of the output for a tiny
//! fixture model and a tiny partition table, refusal of what the partition generator does not
//! know, the facts of `models/` against the official model, and generation of the whole official
//! model into a crate that must compile.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The official model, which the project does not ship: present on development and CI machines.
fn official_model() -> Option<PathBuf> {
    let path = workspace_root().join("../shared/models/connect-2017-08-08.json");
    path.exists().then_some(path)
}

/// Drops documentation and examples (ours are our own wording) so that only facts are compared.
fn without_docs(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(k, _)| {
                !matches!(k.as_str(), "smithy.api#documentation" | "smithy.api#examples" | "documentation")
            })
            .map(|(k, v)| (k.clone(), without_docs(v)))
            // A traits object left empty says nothing.
            .filter(|(k, v)| !(k == "traits" && v.as_object().is_some_and(|t| t.is_empty())))
            .collect(),
        serde_json::Value::Array(a) => a.iter().map(without_docs).collect(),
        other => other.clone(),
    }
}

#[test]
fn model_facts_equal_the_official_model() {
    let Some(official) = official_model() else {
        eprintln!("skipped: ../shared/models/connect-2017-08-08.json is not present");
        return;
    };
    let read = |p: &Path| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let ours = read(&workspace_root().join(MODEL));
    let theirs = read(&official);
    let mut problems = Vec::new();
    for (id, shape) in ours["shapes"].as_object().unwrap() {
        let Some(official) = theirs["shapes"].get(id) else {
            problems.push(format!("{id}: not in the official model"));
            continue;
        };
        let (mut a, mut b) = (without_docs(shape), without_docs(official));
        // Our one kind of addition: the list a paginated operation's pages are merged on, where
        // the official trait names none (the import keeps it; paginators_botocore.rs checks it
        // against botocore's paginator model).
        if b.pointer("/traits/smithy.api#paginated").is_some()
            && b.pointer("/traits/smithy.api#paginated/items").is_none()
        {
            if let Some(t) = a.pointer_mut("/traits/smithy.api#paginated").and_then(|t| t.as_object_mut()) {
                t.remove("items");
            }
        }
        if shape["type"] == "service" {
            // We ship a subset of the operations, and no display title.
            let ops = a["operations"].as_array().unwrap().clone();
            let all = b["operations"].as_array().unwrap();
            for op in &ops {
                if !all.contains(op) {
                    problems.push(format!("{id}: operation {op} is not in the official model"));
                }
            }
            b["operations"] = serde_json::Value::Array(ops);
            b.as_object_mut().unwrap().remove("resources");
            b["traits"].as_object_mut().unwrap().remove("smithy.api#title");
            a["traits"].as_object_mut().unwrap().remove("smithy.api#title");
        }
        if a != b {
            problems.push(format!("{id}: differs\n ours:     {a}\n official: {b}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Importing from the official model again changes no fact of `models/`: in particular the
/// import keeps the lists we name for paginated operations where the official model has none.
#[test]
fn import_from_the_official_model_finds_no_drift() {
    let Some(official) = official_model() else {
        eprintln!("skipped: ../shared/models/connect-2017-08-08.json is not present");
        return;
    };
    let ours = workspace_root().join(MODEL);
    let options =
        xtask::import::Options { operations: Vec::new(), all: false, official: &official, ours: &ours, check: true };
    let summary = xtask::import::import(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.contains("no drift"), "{summary}");
}

/// Generates the whole official model (370 operations) into a copy of connect-core and checks that
/// it compiles. Slow (a separate build): run with `cargo test --workspace -- --include-ignored`,
/// as `.ci/run` does.
#[test]
#[ignore]
fn whole_official_model_compiles() {
    let Some(official) = official_model() else {
        eprintln!("skipped: ../shared/models/connect-2017-08-08.json is not present");
        return;
    };
    let root = workspace_root();
    let work = root.join("target/whole-model");
    let _ = std::fs::remove_dir_all(work.join("src"));
    copy_dir(&root.join("crates/connect-core/src"), &work.join("src"));
    let (partitions, quotas) = (root.join(PARTITIONS), root.join(QUOTAS));
    codegen(
        Source { path: &official, label: "connect-2017-08-08.json" },
        Source { path: &partitions, label: PARTITIONS },
        Source { path: &quotas, label: QUOTAS },
        &work.join("src/generated"),
        Mode::Write,
    )
    .unwrap();

    // connect-core's dependencies, with the workspace's versions and features, and its lock file.
    let workspace_deps = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let core_manifest = std::fs::read_to_string(root.join("crates/connect-core/Cargo.toml")).unwrap();
    // Every dependency section but the dev-dependencies (target-specific ones included).
    let mut section = String::new();
    let mut names = Vec::new();
    for line in core_manifest.lines() {
        if line.starts_with('[') {
            section = line.to_owned();
        } else if section.ends_with("dependencies]") && !section.contains("dev-dependencies") {
            if let Some(name) = line.trim().strip_suffix(".workspace = true") {
                names.push(name.to_owned());
            }
        }
    }
    let deps: Vec<String> = names
        .iter()
        .map(|name| {
            workspace_deps
                .lines()
                .find(|l| l.starts_with(&format!("{name} =")))
                .unwrap_or_else(|| panic!("{name} is not a workspace dependency"))
                .to_owned()
        })
        .collect();
    assert!(deps.len() >= 4, "dependency lines not found");
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[package]\nname = \"connect-core\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[dependencies]\n{}\n\n[workspace]\n",
            deps.join("\n")
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).unwrap();

    let ops: usize = std::fs::read_dir(work.join("src/generated/operations"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap().matches("Operation::new(").count())
        .sum();
    assert_eq!(ops, 370, "every operation is generated");

    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--lib", "--manifest-path"])
        .arg(work.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/whole-model-target"))
        .status()
        .unwrap();
    assert!(status.success(), "the generated code for the whole model does not compile");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
