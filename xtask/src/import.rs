//! `cargo xtask import`: copies the facts of operations from an official Smithy model into
//! `models/connect.json` — shapes, traits, HTTP bindings, errors, pagination, the service's endpoint
//! rules — without the official documentation prose. Documentation already written in our own
//! words in `models/connect.json` is kept.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

const DOC: &str = "smithy.api#documentation";
/// Examples are documentation too: ours are kept, the official model's are not copied.
const EXAMPLES: &str = "smithy.api#examples";

/// What to import.
pub struct Options<'a> {
    /// Operation names to add (`UpdateUserIdentityInfo`); empty with `all` false means: refresh the
    /// operations the project already has.
    pub operations: Vec<String>,
    pub all: bool,
    pub official: &'a Path,
    pub ours: &'a Path,
    /// Only report drift between our model's facts and the official model's.
    pub check: bool,
}

fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

fn shapes(doc: &Value) -> Result<&Map<String, Value>, String> {
    doc.get("shapes").and_then(Value::as_object).ok_or_else(|| "model has no shapes".to_owned())
}

fn service_id(shapes: &Map<String, Value>) -> Result<String, String> {
    shapes
        .iter()
        .find(|(_, s)| s["type"] == "service")
        .map(|(id, _)| id.clone())
        .ok_or_else(|| "model has no service".to_owned())
}

/// Every shape an operation reaches, in the official model.
fn closure(official: &Map<String, Value>, roots: &[String]) -> Result<BTreeSet<String>, String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if id.starts_with("smithy.api#") || !seen.insert(id.clone()) {
            continue;
        }
        let shape = official.get(&id).ok_or_else(|| format!("{id} is not in the official model"))?;
        let mut push = |v: &Value| {
            if let Some(t) = v.get("target").and_then(Value::as_str) {
                stack.push(t.to_owned());
            }
        };
        for key in ["input", "output", "member", "key", "value"] {
            if let Some(v) = shape.get(key) {
                push(v);
            }
        }
        if let Some(errors) = shape.get("errors").and_then(Value::as_array) {
            errors.iter().for_each(&mut push);
        }
        if shape["type"] != "enum" {
            if let Some(members) = shape.get("members").and_then(Value::as_object) {
                members.values().for_each(&mut push);
            }
        }
    }
    Ok(seen)
}

/// Removes documentation from a shape, its members, and endpoint rules. Rule-set parameters and
/// endpoint tests keep theirs, to be replaced in place, unless `all`.
fn strip_docs(v: &mut Value, all: bool) {
    match v {
        Value::Object(map) => {
            map.remove(DOC);
            map.remove(EXAMPLES);
            let in_place = map.get("builtIn").is_some() || map.get("expect").is_some();
            if map.get("conditions").is_some() || (all && in_place) {
                map.remove("documentation");
            }
            if map.get("traits").and_then(Value::as_object).is_some_and(Map::is_empty) {
                map.remove("traits");
            }
            for child in map.values_mut() {
                strip_docs(child, all);
            }
            if map.get("traits").and_then(Value::as_object).is_some_and(Map::is_empty) {
                map.remove("traits");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| strip_docs(i, all)),
        _ => {}
    }
}

/// Our documentation, by `shape` and `shape$member` (and rule-set parameter `$param:Name`).
fn our_docs(ours: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut docs = BTreeMap::new();
    for (id, shape) in ours {
        if let Some(d) = shape.pointer("/traits/smithy.api#documentation").and_then(Value::as_str) {
            docs.insert(id.clone(), d.to_owned());
        }
        if let Some(members) = shape.get("members").and_then(Value::as_object) {
            for (name, m) in members {
                if let Some(d) = m.pointer("/traits/smithy.api#documentation").and_then(Value::as_str) {
                    docs.insert(format!("{id}${name}"), d.to_owned());
                }
            }
        }
        if let Some(params) =
            shape.pointer("/traits/smithy.rules#endpointRuleSet/parameters").and_then(Value::as_object)
        {
            for (name, p) in params {
                if let Some(d) = p.get("documentation").and_then(Value::as_str) {
                    docs.insert(format!("$param:{name}"), d.to_owned());
                }
            }
        }
    }
    docs
}

fn set_doc(traits_owner: &mut Value, doc: &str) {
    if let Some(obj) = traits_owner.as_object_mut() {
        let traits = obj.entry("traits").or_insert_with(|| Value::Object(Map::new()));
        if let Some(t) = traits.as_object_mut() {
            t.insert(DOC.to_owned(), Value::String(doc.to_owned()));
        }
    }
}

/// Describes an endpoint test case in our words, from its parameters.
fn describe_test(params: Option<&Value>) -> String {
    let mut parts = Vec::new();
    let p = params.and_then(Value::as_object);
    let get = |k: &str| p.and_then(|p| p.get(k));
    if let Some(r) = get("Region").and_then(Value::as_str) {
        parts.push(format!("region {r}"));
    }
    for (key, label) in [("UseFIPS", "FIPS"), ("UseDualStack", "dual-stack")] {
        if let Some(b) = get(key).and_then(Value::as_bool) {
            parts.push(format!("{label} {}", if b { "on" } else { "off" }));
        }
    }
    if get("Endpoint").is_some() {
        parts.push("custom endpoint".to_owned());
    }
    if parts.is_empty() { "no parameters".to_owned() } else { parts.join(", ") }
}

/// The list an operation's pages are merged on (`@paginated(items: …)`), when our model names one
/// and the official model does not: the AWS CLI paginates by botocore's paginator model, which
/// knows a few lists the Smithy model leaves out (connect-core's `tests/paginators_botocore.rs`).
fn keep_paginated_items(shape: &mut Value, ours: Option<&Value>) {
    const ITEMS: &str = "/traits/smithy.api#paginated/items";
    let Some(items) = ours.and_then(|o| o.pointer(ITEMS)).cloned() else { return };
    if let Some(trait_) = shape.pointer_mut("/traits/smithy.api#paginated").and_then(Value::as_object_mut) {
        trait_.entry("items").or_insert(items);
    }
}

/// The model the project would ship for `operations`.
fn build(official: &Value, ours: &Value, operations: &[String]) -> Result<Value, String> {
    let official_shapes = shapes(official)?;
    let our_shapes = shapes(ours)?;
    let service = service_id(official_shapes)?;
    let ns = service.rsplit_once('#').map_or("", |(ns, _)| ns).to_owned();
    let ops: Vec<String> = operations.iter().map(|o| format!("{ns}#{o}")).collect();
    let wanted = closure(official_shapes, &ops)?;
    let docs = our_docs(our_shapes);

    let mut out = BTreeMap::new();
    for id in wanted.iter().chain(std::iter::once(&service)) {
        let mut shape = official_shapes[id].clone();
        strip_docs(&mut shape, false);
        if let Some(d) = docs.get(id) {
            set_doc(&mut shape, d);
        }
        keep_paginated_items(&mut shape, our_shapes.get(id));
        if let Some(examples) = our_shapes.get(id).and_then(|o| o.pointer(&format!("/traits/{EXAMPLES}"))) {
            if let Some(traits) = shape.get_mut("traits").and_then(Value::as_object_mut) {
                traits.insert(EXAMPLES.to_owned(), examples.clone());
            }
        }
        if let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) {
            for (name, m) in members.iter_mut() {
                if let Some(d) = docs.get(&format!("{id}${name}")) {
                    set_doc(m, d);
                }
            }
        }
        if *id == service {
            let mut sorted = ops.clone();
            sorted.sort();
            shape["operations"] = Value::Array(sorted.into_iter().map(|t| serde_json::json!({"target": t})).collect());
            if let Some(obj) = shape.as_object_mut() {
                obj.remove("resources");
            }
            if let Some(t) = shape.get_mut("traits").and_then(Value::as_object_mut) {
                t.remove("smithy.api#title");
            }
            if let Some(params) =
                shape.pointer_mut("/traits/smithy.rules#endpointRuleSet/parameters").and_then(Value::as_object_mut)
            {
                for (name, p) in params.iter_mut() {
                    match (docs.get(&format!("$param:{name}")), p.as_object_mut()) {
                        (Some(d), _) => p["documentation"] = Value::String(d.clone()),
                        (None, Some(obj)) => {
                            obj.remove("documentation");
                        }
                        (None, None) => {}
                    }
                }
            }
            if let Some(cases) =
                shape.pointer_mut("/traits/smithy.rules#endpointTests/testCases").and_then(Value::as_array_mut)
            {
                for case in cases {
                    let text = describe_test(case.get("params"));
                    case["documentation"] = Value::String(text);
                }
            }
        }
        out.insert(id.clone(), shape);
    }
    let mut doc = Map::new();
    doc.insert("smithy".into(), official["smithy"].clone());
    doc.insert("shapes".into(), Value::Object(out.into_iter().collect()));
    Ok(Value::Object(doc))
}

/// The operation names of a model's service.
fn operations_of(model: &Value) -> Result<Vec<String>, String> {
    let s = shapes(model)?;
    let service = service_id(s)?;
    Ok(s[&service]["operations"]
        .as_array()
        .map(|ops| {
            ops.iter()
                .filter_map(|o| o["target"].as_str())
                .map(|t| t.rsplit_once('#').map_or(t, |(_, n)| n).to_owned())
                .collect()
        })
        .unwrap_or_default())
}

/// Runs the import (or the drift check) and returns a summary line.
pub fn import(opts: &Options) -> Result<String, String> {
    let official = read(opts.official)?;
    let ours = read(opts.ours)?;
    let all_ops = operations_of(&official)?;
    let mut ops: BTreeSet<String> = operations_of(&ours)?.into_iter().collect();
    if opts.all {
        ops.extend(all_ops.iter().cloned());
    }
    for op in &opts.operations {
        if !all_ops.contains(op) {
            return Err(format!("{op} is not an operation of the official model"));
        }
        ops.insert(op.clone());
    }
    let ops: Vec<String> = ops.into_iter().collect();
    let model = build(&official, &ours, &ops)?;
    if opts.check {
        let mut want = model.clone();
        let mut have = ours.clone();
        strip_docs(&mut want, true);
        strip_docs(&mut have, true);
        if want == have {
            return Ok(format!(
                "{}: no drift from {} ({} operations)",
                opts.ours.display(),
                opts.official.display(),
                ops.len()
            ));
        }
        let (w, h) = (shapes(&want)?, shapes(&have)?);
        let mut drift: Vec<String> = w
            .iter()
            .filter(|(id, s)| h.get(*id) != Some(*s))
            .map(|(id, _)| format!("  {id}: {}", if h.contains_key(id) { "differs" } else { "missing" }))
            .collect();
        drift.extend(h.keys().filter(|id| !w.contains_key(*id)).map(|id| format!("  {id}: not in the official model")));
        return Err(format!(
            "{} drifts from {}:\n{}\nRun `cargo xtask import` to update it.",
            opts.ours.display(),
            opts.official.display(),
            drift.join("\n")
        ));
    }
    let text = format!("{}\n", serde_json::to_string_pretty(&model).map_err(|e| e.to_string())?);
    std::fs::write(opts.ours, text).map_err(|e| format!("cannot write {}: {e}", opts.ours.display()))?;
    Ok(format!("{}: {} operations, {} shapes", opts.ours.display(), ops.len(), shapes(&model)?.len()))
}
