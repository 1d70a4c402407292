//! Runs the AWS CLI's own shorthand and `@=` paramfile vectors (tests/vectors/shorthand.json)
//! against `connect_core::input::shorthand`, reporting every mismatch at once.

use std::path::{Path, PathBuf};

use connect_core::input::paramfile::{LocalParamFiles, ParamFileError};
use connect_core::input::shorthand::{Node, ParamFiles, ShorthandError, parse};
use serde_json::{Value, json};

fn load_cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/shorthand.json");
    let text = std::fs::read_to_string(&path).expect("read vectors");
    let doc: Value = serde_json::from_str(&text).expect("parse vectors");
    doc["cases"].as_array().expect("cases array").clone()
}

/// JSON as the vectors write it: bytes are `{"$bytes": "..."}`.
fn vector_json(node: &Node) -> Value {
    match node {
        Node::Str(s) => json!(s),
        Node::Bytes(b) => json!({ "$bytes": String::from_utf8_lossy(b) }),
        Node::List(items) => Value::Array(items.iter().map(vector_json).collect()),
        Node::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), vector_json(v))).collect()),
    }
}

fn error_class(err: &ShorthandError) -> &'static str {
    match err {
        ShorthandError::Syntax { .. } => "ShorthandParseSyntaxError",
        ShorthandError::DuplicateKey { .. } => "DuplicateKeyInObjectError",
        ShorthandError::ParamFile(_) => "ResourceLoadingError",
        _ => "unknown",
    }
}

/// Resolves `file://NAME` / `fileb://NAME` inside a temporary directory.
struct InDir(PathBuf);

impl ParamFiles for InDir {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        for prefix in ["file://", "fileb://"] {
            if let Some(name) = value.strip_prefix(prefix) {
                let redirected = format!("{prefix}{}", self.0.join(name).display());
                return LocalParamFiles.load(&redirected);
            }
        }
        LocalParamFiles.load(value)
    }
}

/// File names referenced as `file://NAME` or `fileb://NAME`, in order of first appearance.
fn referenced_files(input: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, _) in input.match_indices("file") {
        let rest = &input[i..];
        let Some(rest) = rest.strip_prefix("file://").or_else(|| rest.strip_prefix("fileb://")) else {
            continue;
        };
        let end = rest.find([',', '}', ']', ' ']).unwrap_or(rest.len());
        let name = rest[..end].to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn contents_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        other => other["$bytes"].as_str().expect("$bytes string").as_bytes().to_vec(),
    }
}

/// The inputs of a case: a string, or a list of strings (each parsed separately, as the CLI
/// does for list-typed parameters).
fn inputs(case: &Value) -> Vec<String> {
    match &case["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().map(|v| v.as_str().expect("string input").to_owned()).collect(),
        other => panic!("unexpected input {other}"),
    }
}

fn parse_all(inputs: &[String], files: &dyn ParamFiles) -> Result<Vec<Node>, ShorthandError> {
    inputs.iter().map(|s| parse(s, files)).collect()
}

fn check_ok(case: &Value, files: &dyn ParamFiles) -> Result<(), String> {
    let input = case["input"].as_str().expect("string input");
    match parse(input, files) {
        Ok(node) if vector_json(&node) == case["expected"] => Ok(()),
        Ok(node) => Err(format!("got {}, want {}", vector_json(&node), case["expected"])),
        Err(e) => Err(format!("unexpected error: {e}")),
    }
}

fn check_error(case: &Value, files: &dyn ParamFiles) -> Result<(), String> {
    let expected = &case["expected"];
    let want = expected["message"].as_str().expect("message");
    let err = match parse_all(&inputs(case), files) {
        Ok(nodes) => {
            let got: Vec<Value> = nodes.iter().map(vector_json).collect();
            return Err(format!("expected an error, got {got:?}"));
        }
        Err(e) => e,
    };
    let got = match case["cli_name"].as_str() {
        Some(cli_name) => format!("Error parsing parameter '{cli_name}': {err}"),
        None => err.to_string(),
    };
    if got != want {
        return Err(format!("message\n  got:  {got:?}\n  want: {want:?}"));
    }
    if let Some(class) = expected["error_class"].as_str() {
        if error_class(&err) != class {
            return Err(format!("class {} != {class}", error_class(&err)));
        }
    }
    Ok(())
}

fn check_paramfile(case: &Value) -> Result<(), String> {
    let input = case["input"].as_str().expect("string input");
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let names = referenced_files(input);
    if let Some(contents) = case.get("file_contents_every_file") {
        for name in &names {
            std::fs::write(dir.path().join(name), contents_bytes(contents)).map_err(|e| e.to_string())?;
        }
    }
    if let Some(list) = case.get("file_contents_in_order") {
        let list = list.as_array().expect("contents list");
        if list.len() != names.len() {
            return Err(format!("{} contents for files {names:?}", list.len()));
        }
        for (name, contents) in names.iter().zip(list) {
            std::fs::write(dir.path().join(name), contents_bytes(contents)).map_err(|e| e.to_string())?;
        }
    }
    check_ok(case, &InDir(dir.path().to_owned()))
}

fn check_paramfile_error(case: &Value) -> Result<(), String> {
    // The vector names a relative file that must not exist (cwd is the crate directory).
    for name in referenced_files(case["input"].as_str().expect("string input")) {
        if Path::new(&name).exists() {
            return Err(format!("{name} unexpectedly exists"));
        }
    }
    check_error(case, &LocalParamFiles)
}

#[test]
fn awscli_shorthand_vectors() {
    let cases = load_cases();
    let mut counts = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let kind = case["kind"].as_str().expect("kind");
        let result = match kind {
            "shorthand_ok" => check_ok(case, &LocalParamFiles),
            "shorthand_error" => check_error(case, &LocalParamFiles),
            "shorthand_paramfile" => check_paramfile(case),
            "shorthand_paramfile_error" => check_paramfile_error(case),
            other => Err(format!("unknown kind {other}")),
        };
        *counts.entry(kind.to_owned()).or_insert(0) += 1;
        if let Err(msg) = result {
            failures.push(format!("#{i} [{kind}] {}: {msg}", case["input"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} vectors failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    let want =
        [("shorthand_error", 14), ("shorthand_ok", 60), ("shorthand_paramfile", 5), ("shorthand_paramfile_error", 1)];
    let want: std::collections::BTreeMap<String, i32> = want.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect();
    assert_eq!(counts, want);
}
