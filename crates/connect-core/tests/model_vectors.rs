//! The AWS CLI's own test vectors that need a model: typing parsed shorthand (BackCompatVisitor),
//! parameter unpacking of other services' parameters, scalar booleans, and skeletons. The vectors
//! are copied into `tests/vectors/model.json`; each case carries the shape it is typed against.

use connect_core::compat::json_dumps::{Style, to_pretty};
use connect_core::input::paramfile::LocalParamFiles;
use connect_core::input::{CliInputFormat, back_compat, bool_arg, cli_input, merge, param_value};
use connect_core::model::{EnumValue, Kind, Member, Shape};
use connect_core::skeleton;
use serde_json::Value;

/// Cases this project does not reproduce, with the reason.
const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "elb.RegisterInstancesWithLoadBalancer.Instances",
        "the AWS CLI's special case for a few elb/firehose/workspaces parameters; no Connect operation has it",
    ),
    ("test_generate_yaml_input_with_bytes", "blob shapes: the Connect model has none and the generator refuses them"),
    (
        "test_generate_yaml_input_removes_xml_tags",
        "markup is removed when code is generated (xtask docs tests), not at run time",
    ),
    (
        "test_generate_yaml_input_can_handle_broken_xml",
        "markup is removed when code is generated (xtask docs tests), not at run time",
    ),
];

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Builds a static shape from a case's description (botocore's view: type, members, required,
/// member, key, value, enum, documentation).
fn shape(desc: &Value, name: &str) -> &'static Shape {
    let doc = leak_str(desc.get("documentation").and_then(Value::as_str).unwrap_or(""));
    let ty = desc["type"].as_str().unwrap_or_else(|| panic!("no type in {desc}"));
    let kind = match ty {
        "string" if desc.get("enum").is_some() => {
            let values: Vec<EnumValue> = desc["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let s = leak_str(v.as_str().unwrap());
                    EnumValue::new(s, s)
                })
                .collect();
            Kind::Enum(Box::leak(values.into_boxed_slice()))
        }
        "string" => Kind::String,
        "integer" => Kind::Integer,
        "long" => Kind::Long,
        "float" => Kind::Float,
        "double" => Kind::Double,
        "boolean" => Kind::Boolean,
        "timestamp" => Kind::Timestamp(connect_core::model::TimestampFormat::Default),
        "structure" => {
            let required: Vec<&str> = desc
                .get("required")
                .and_then(Value::as_array)
                .map_or(vec![], |r| r.iter().filter_map(Value::as_str).collect());
            let members: Vec<Member> = desc
                .get("members")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let name = leak_str(k);
                            let mut member = Member::new(name, name, shape(v, k));
                            if required.contains(&k.as_str()) {
                                member = member.with_required();
                            }
                            member
                        })
                        .collect()
                })
                .unwrap_or_default();
            Kind::Structure(Box::leak(members.into_boxed_slice()))
        }
        // A recursive list (cut where it recurs) holds empty structures.
        "list" if desc.get("recursive").is_some() => Kind::List(leak(Shape::new("Recursive", Kind::Structure(&[])))),
        "list" => Kind::List(shape(&desc["member"], &format!("{name}Member"))),
        "map" => Kind::Map { key: shape(&desc["key"], "Key"), value: shape(&desc["value"], "Value") },
        other => panic!("type {other} in a vector"),
    };
    leak(Shape::new(leak_str(name), kind).with_doc(doc))
}

/// Runs a cli_input vector the way the CLI does: explicit arguments, the document merged under
/// them, then validation. The outcome is `{"params": …}` or `{"rc": 252, "stderr": …}`.
fn cli_input_case(case: &Value) -> Value {
    let shape = shape(&case["input_shape"], "Input");
    let args: Vec<&str> = case["input"].as_array().unwrap().iter().skip(2).map(|a| a.as_str().unwrap()).collect();
    let dir = tempfile::tempdir().unwrap();
    let (mut json, mut yaml, mut explicit) = (None, None, serde_json::Map::new());
    let mut i = 0;
    while i < args.len() {
        let (name, mut value) = (args[i], args[i + 1].to_owned());
        // The vectors write `file://<foo.json containing X>` for a file holding X.
        if let Some(contents) = value.strip_prefix("file://<foo.json containing ").and_then(|v| v.strip_suffix('>')) {
            let path = dir.path().join("foo.json");
            std::fs::write(&path, contents).unwrap();
            value = format!("file://{}", path.display());
        }
        match name {
            "--cli-input-json" => json = Some(value),
            "--cli-input-yaml" => yaml = Some(value),
            option => {
                let wanted = option.trim_start_matches("--").replace('-', "");
                let member = shape.members().iter().find(|m| m.name().to_ascii_lowercase() == wanted).unwrap();
                explicit.insert(member.name().to_owned(), param_value(member, &[value], &LocalParamFiles).unwrap());
            }
        }
        i += 2;
    }
    let document = match (json, yaml) {
        (Some(_), Some(_)) => {
            return serde_json::json!({"rc": 252, "stderr": "Only one --cli-input- parameter may be specified."});
        }
        (Some(j), None) => cli_input(CliInputFormat::Json, &j),
        (None, Some(y)) => cli_input(CliInputFormat::Yaml, &y),
        (None, None) => Ok(serde_json::Map::new()),
    };
    let params = match document {
        Ok(doc) => merge(explicit, doc),
        Err(e) => return serde_json::json!({"rc": 252, "stderr": e.to_string()}),
    };
    match connect_core::input::validate::validate(&Value::Object(params.clone()), shape) {
        Ok(()) => serde_json::json!({"params": params}),
        Err(e) => serde_json::json!({"rc": 252, "stderr": e.to_string()}),
    }
}

/// The expected outcome of a cli_input vector in the form `cli_input_case` gives.
fn cli_input_expected(expected: &Value) -> Value {
    expected.clone()
}

fn cases() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/model.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn skipped(case: &Value) -> bool {
    let source = case["source"].as_str().unwrap_or("");
    let param = case.get("param").and_then(Value::as_str).unwrap_or("");
    NOT_APPLICABLE.iter().any(|(key, _)| source.ends_with(key) || param == *key)
}

#[test]
fn awscli_model_vectors() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in cases() {
        if skipped(&case) {
            continue;
        }
        ran += 1;
        let got = match case["kind"].as_str().unwrap() {
            "shorthand_typed" if case.get("model_members").is_some() => {
                let desc = serde_json::json!({"type": "structure", "members": case["model_members"]});
                back_compat(case["input"].clone(), shape(&desc, "Input")).map_err(|e| e.to_string())
            }
            "shorthand_typed" => {
                let name = leak_str(case["cli_name"].as_str().unwrap().trim_start_matches("--"));
                let member: &'static Member = leak(Member::new(name, name, shape(&case["shape"], "Param")));
                let values: Vec<String> = match &case["input"] {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
                    other => panic!("input {other}"),
                };
                if values.is_empty() {
                    // argparse never hands an empty list to the parameter code.
                    Ok(Value::Array(vec![]))
                } else {
                    param_value(member, &values, &LocalParamFiles).map_err(|e| e.to_string())
                }
            }
            "scalar_boolean" => Ok(Value::Bool(bool_arg(&case["input"]))),
            "skeleton" => {
                let input = &case["input"];
                let shape = match &input["input_shape_members"] {
                    Value::Null => None,
                    members => Some(shape(&serde_json::json!({"type": "structure", "members": members}), "Input")),
                };
                let text = match input["arg"].as_str().unwrap() {
                    "input" => to_pretty(&skeleton::input(shape), Style { ensure_ascii: true }),
                    "yaml-input" => skeleton::yaml_input(shape),
                    other => panic!("arg {other}"),
                };
                Ok(Value::String(text))
            }
            "cli_input" => Ok(cli_input_case(&case)),
            other => panic!("kind {other}"),
        };
        let want = match case["kind"].as_str().unwrap() {
            "skeleton" => case["expected"]["stdout"].clone(),
            // Compared as the outcome: the parameters, or the exit code and the text expected.
            "cli_input" => cli_input_expected(&case["expected"]),
            _ => case["expected"].clone(),
        };
        let matches = match (&got, case["kind"].as_str().unwrap()) {
            (Ok(g), "cli_input") if want.get("rc").is_some() => {
                g["rc"] == want["rc"]
                    && want
                        .get("stderr_contains")
                        .and_then(Value::as_str)
                        .is_none_or(|t| g["stderr"].as_str().unwrap_or("").contains(t))
            }
            (g, _) => g.as_ref() == Ok(&want),
        };
        if !matches {
            failures.push(format!("{}\n  input: {}\n  want:  {want}\n  got:   {got:?}", case["source"], case["input"]));
        }
    }
    assert!(ran >= 47, "only {ran} vectors ran");
    assert!(failures.is_empty(), "{} of {ran} vectors failed:\n{}", failures.len(), failures.join("\n"));
}
