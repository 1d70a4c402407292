//! The facts of the model on every operation's help page: the allowed values of enums, the
//! length, range and pattern constraints of members, and whether the command pages.
//!
//! The oracle reads `models/connect.json` (the Smithy model, as JSON) on its own, not through
//! connect-core, and botocore (the AWS CLI's) names each command (`xform_name`) and says which
//! operations the AWS CLI paginates, with their result keys (its paginator model). Each fact of a
//! shape that a page documents (the operation's parameters and output, nested members included)
//! must appear on the page in the AWS CLI v2's form (`clidocs.py`: `Possible values:` and
//! `Constraints:` lists, `add_paging_description`), and every such list on the page must be one
//! the model gives. The headings of options and nested members carry the AWS CLI v2's
//! `[required]` mark (since 2.31) exactly where botocore and the model require them.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use serde_json::{Map, Value};

use crate::common::run;

const INSTALL: &str = "python3 with botocore is needed: pip install -r .ci/requirements.txt (.ci/run does)";

/// botocore's answer for each operation: its command name, when the AWS CLI paginates it its
/// result key, and its parameters' option names with whether the AWS CLI requires each
/// (`_create_argument_table`: required, and not an idempotency token, which it fills in).
fn botocore_facts(operations: &[&str]) -> Map<String, Value> {
    let script = "import json, sys\n\
        from botocore import xform_name\n\
        from botocore.session import get_session\n\
        session = get_session()\n\
        paginators = session.get_paginator_model('connect')\n\
        service = session.get_service_model('connect')\n\
        out = {}\n\
        for op in json.load(sys.stdin):\n\
        \x20   try:\n\
        \x20       keys = paginators.get_paginator(op)['result_key']\n\
        \x20       keys = keys if isinstance(keys, list) else [keys]\n\
        \x20   except ValueError:\n\
        \x20       keys = None\n\
        \x20   shape = service.operation_model(op).input_shape\n\
        \x20   members = shape.members.items() if shape else []\n\
        \x20   required = shape.required_members if shape else []\n\
        \x20   params = [[xform_name(n, '-'), n, n in required and not m.metadata.get('idempotencyToken', False)]\n\
        \x20             for n, m in members]\n\
        \x20   out[op] = {'cli': xform_name(op, '-'), 'result_keys': keys, 'params': params}\n\
        json.dump(out, sys.stdout)\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {INSTALL}"));
    let written = std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        serde_json::to_string(operations).expect("names").as_bytes(),
    );
    let out = child.wait_with_output().expect("botocore output");
    assert!(out.status.success(), "the botocore oracle failed; {INSTALL}\n{}", String::from_utf8_lossy(&out.stderr));
    written.expect("write operation names");
    serde_json::from_slice(&out.stdout).expect("botocore's answer is JSON")
}

/// The model's shapes, by id.
struct Model {
    shapes: Map<String, Value>,
}

impl Model {
    fn shape(&self, id: &str) -> Option<&Value> {
        self.shapes.get(id)
    }

    fn traits<'a>(&'a self, id: &str) -> Option<&'a Value> {
        self.shape(id).and_then(|s| s.get("traits"))
    }

    /// The members of a structure or union (name, target), the list's member, or a map's key
    /// and value, in model order.
    fn children(&self, id: &str) -> Vec<(String, String)> {
        let Some(shape) = self.shape(id) else { return Vec::new() };
        let target = |v: &Value| v["target"].as_str().unwrap_or_default().to_owned();
        match shape["type"].as_str() {
            Some("structure" | "union") => {
                shape["members"].as_object().into_iter().flatten().map(|(name, m)| (name.clone(), target(m))).collect()
            }
            Some("list") => vec![(String::new(), target(&shape["member"]))],
            Some("map") => vec![("key".into(), target(&shape["key"])), ("value".into(), target(&shape["value"]))],
            _ => Vec::new(),
        }
    }

    /// The shape a heading names below `parent`: a structure's or union's member by name (with
    /// whether the structure requires it), a list's element (`""`), a map's `key` or `value`.
    fn child(&self, parent: &str, name: &str) -> Option<(String, bool)> {
        let shape = self.shape(parent)?;
        let found = match shape["type"].as_str()? {
            "structure" | "union" => shape["members"].get(name)?,
            "list" if name.is_empty() => &shape["member"],
            "map" if name == "key" || name == "value" => &shape[name],
            _ => return None,
        };
        let required = found.pointer("/traits/smithy.api#required").is_some();
        Some((found["target"].as_str()?.to_owned(), required && matches!(shape["type"].as_str(), Some("structure"))))
    }

    /// Every shape reachable from `id` (itself included).
    fn reach(&self, id: &str, seen: &mut BTreeSet<String>) {
        if seen.insert(id.to_owned()) {
            for (_, child) in self.children(id) {
                self.reach(&child, seen);
            }
        }
    }

    /// The `Possible values:` list of an enum shape.
    fn enum_values(&self, id: &str) -> Option<Vec<String>> {
        let shape = self.shape(id)?;
        (shape["type"] == "enum").then(|| {
            shape["members"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, m)| {
                    m.pointer("/traits/smithy.api#enumValue").and_then(Value::as_str).unwrap_or(name).to_owned()
                })
                .collect()
        })
    }

    /// The `Constraints:` of a shape: (`min`|`max`|`pattern`, the model's value) in that order.
    fn constraints(&self, id: &str) -> Vec<(&'static str, Value)> {
        let Some(traits) = self.traits(id) else { return Vec::new() };
        let bounds = traits.get("smithy.api#length").or(traits.get("smithy.api#range"));
        let mut out = Vec::new();
        for key in ["min", "max"] {
            if let Some(v) = bounds.and_then(|b| b.get(key)) {
                out.push((key, v.clone()));
            }
        }
        if let Some(p) = traits.get("smithy.api#pattern") {
            out.push(("pattern", p.clone()));
        }
        out
    }
}

/// The page's lines without their indentation.
fn unindented(page: &str) -> Vec<&str> {
    page.lines().map(str::trim_start).collect()
}

/// The `* …` items of every list on the page headed by `heading`.
fn lists<'a>(lines: &[&'a str], heading: &str) -> Vec<Vec<&'a str>> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if *line == heading {
            assert_eq!(lines.get(i + 1), Some(&""), "a blank line follows {heading}");
            let items = lines[i + 2..].iter().take_while(|l| l.starts_with("* ")).map(|l| &l[2..]).collect();
            found.push(items);
        }
    }
    found
}

/// Whether an item of a `Constraints:` list (`min: 1`) says the model's value as the model writes
/// it: the same whole number, exactly; the same decimal, with its point (`1.0`); the same pattern.
fn says(item: &str, (key, value): &(&str, Value)) -> bool {
    let Some(text) = item.strip_prefix(key).and_then(|rest| rest.strip_prefix(": ")) else { return false };
    match value {
        Value::String(pattern) => text == pattern,
        Value::Number(n) if n.is_f64() => text.contains('.') && text.parse::<f64>().ok() == n.as_f64(),
        Value::Number(n) => text.parse::<i128>().ok() == n.as_i64().map(i128::from).or(n.as_u64().map(i128::from)),
        _ => false,
    }
}

/// The `[required]` marks of a page against botocore (options) and the model (nested members), as
/// the AWS CLI v2 writes them (`clidocs.py` since 2.31, `doc_option` and `_do_doc_member`): an
/// option's heading (`--name (type) [required]`) when the AWS CLI requires the argument; a nested
/// member's (`Name -> (type) [required]`) when its structure requires it; never a list's element,
/// a map's key or value, or a top-level member of the output. Each nested heading is followed
/// down the model by its indentation, so a heading the model does not have fails too.
/// `counts` adds the nested headings checked and the marks seen.
fn required_marks(page: &str, facts: &Value, op: &Value, model: &Model, counts: &mut (usize, usize)) -> Vec<String> {
    // Option name → (member name, required).
    let params: BTreeMap<&str, (&str, bool)> = facts["params"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p[0].as_str()?, (p[1].as_str()?, p[2].as_bool()?))))
        .collect();
    let targets: BTreeMap<String, String> = op
        .pointer("/input/target")
        .and_then(Value::as_str)
        .map(|input| model.children(input))
        .unwrap_or_default()
        .into_iter()
        .collect();
    let output = op.pointer("/output/target").and_then(Value::as_str);
    let mut failures = Vec::new();
    let mut section = "";
    // The shapes of the headings above the current line, by level; the first is the option's
    // target or the output structure.
    let mut path: Vec<String> = Vec::new();
    let mut marked_options = 0;
    for line in page.lines() {
        if matches!(line, "Options" | "Examples" | "Output") {
            section = line;
            path = output.filter(|_| line == "Output").map(|o| vec![o.to_owned()]).unwrap_or_default();
            continue;
        }
        let (text, marked) = match line.strip_suffix(" [required]") {
            Some(text) => (text, true),
            None => (line, false),
        };
        if section == "Options" && text.starts_with("--") {
            let name = text.split([' ', '|']).next().unwrap_or_default().trim_start_matches('-');
            let (member, wanted) = params.get(name).copied().unwrap_or_default();
            marked_options += usize::from(marked);
            if marked != wanted {
                failures.push(format!("option --{name}: [required] {marked}, the AWS CLI requires it: {wanted}"));
            }
            path = targets.get(member).map(|t| vec![t.clone()]).unwrap_or_default();
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let text = text.trim_start();
        let heading = match text.split_once(" -> (") {
            Some((name, rest)) if rest.ends_with(')') && !name.contains(' ') => Some(name),
            _ if text.starts_with('(') && text.ends_with(')') && !text.contains("...") => Some(""),
            _ => None,
        };
        let Some(name) = heading.filter(|_| section != "Examples" && indent % 2 == 0) else { continue };
        if path.is_empty() {
            failures.push(format!("{line:?}: below no option or output"));
            continue;
        }
        let level = indent / 2;
        let Some(parent) = path.get(level) else {
            failures.push(format!("{line:?}: deeper than the heading above it"));
            continue;
        };
        let Some((target, required)) = model.child(parent, name) else {
            failures.push(format!("{line:?}: no such member below {parent}"));
            continue;
        };
        let wanted = required && !(section == "Output" && level == 0);
        counts.0 += 1;
        counts.1 += usize::from(marked);
        if marked != wanted {
            failures.push(format!("{line:?} below {parent}: [required] {marked}, the model requires it: {wanted}"));
        }
        path.truncate(level + 1);
        path.push(target);
    }
    let required_arguments = params.values().filter(|(_, required)| *required).count();
    if marked_options != required_arguments {
        failures.push(format!("{marked_options} options marked [required], the AWS CLI requires {required_arguments}"));
    }
    counts.1 += marked_options;
    failures
}

#[test]
fn every_page_says_the_models_enums_constraints_required_members_and_paging() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/connect.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).expect("models/connect.json is JSON");
    let model = Model { shapes: json["shapes"].as_object().expect("shapes").clone() };
    let operations: BTreeMap<&str, &Value> = model
        .shapes
        .iter()
        .filter(|(_, s)| s["type"] == "operation")
        .map(|(id, s)| (id.rsplit('#').next().unwrap_or(id), s))
        .collect();
    let names: Vec<&str> = operations.keys().copied().collect();
    let botocore = botocore_facts(&names);

    let mut failures = Vec::new();
    let (mut enums, mut constraints, mut paginated) = (0, 0, 0);
    let mut headings = (0, 0);
    for (name, op) in &operations {
        let facts = &botocore[*name];
        let cli = facts["cli"].as_str().expect("command name");
        let r = run(&[cli, "help"]);
        if r.code != 0 {
            failures.push(format!("{cli} help: exit {} {}", r.code, r.stderr));
            continue;
        }
        let page = r.stdout;
        for failure in required_marks(&page, facts, op, &model, &mut headings) {
            failures.push(format!("{cli}: {failure}"));
        }
        let mut fail = |what: String| failures.push(format!("{cli}: {what}"));

        // Paging: as the model's @paginated trait says, and as botocore's paginators say.
        let paging = op.pointer("/traits/smithy.api#paginated");
        let field = |k: &str| paging.and_then(|p| p.get(k)).and_then(Value::as_str);
        let items = match (field("inputToken"), field("outputToken"), field("items")) {
            (Some(_), Some(_), Some(items)) => Some(items),
            _ => None,
        };
        let botocore_keys = facts["result_keys"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect());
        if items.map(|i| vec![i]) != botocore_keys {
            fail(format!("the model pages by {items:?}, botocore by {botocore_keys:?}"));
        }
        let note = format!("{cli} is a paginated operation. Multiple API calls may be issued");
        let query_note = "the --query argument must extract data from the results of the following query expressions:";
        match items {
            Some(items) => {
                paginated += 1;
                let paragraph = page.split("\n\n").find(|p| p.starts_with(&note));
                match paragraph {
                    Some(p) if p.ends_with(&format!("{query_note} {items}")) && p.contains("--no-paginate") => {}
                    other => fail(format!("paging paragraph naming {items}: {other:?}")),
                }
                let see_also = page.find("See also: AWS API Documentation").unwrap_or(usize::MAX);
                if page.find(&note).is_none_or(|at| at < see_also || page[see_also..at].contains("\nSynopsis\n")) {
                    fail("the paging paragraph is not after See also in the description".into());
                }
            }
            None if page.contains("is a paginated operation") => fail("says it pages; the model does not".into()),
            None => {}
        }

        // The shapes the page documents: the parameters (less the paging members the paging
        // options replace) and the output, with everything nested in them.
        let hidden: Vec<&str> = match items {
            Some(_) => [field("inputToken"), field("pageSize")].into_iter().flatten().collect(),
            None => Vec::new(),
        };
        let mut documented = BTreeSet::new();
        for (key, skip) in [("/input/target", &hidden), ("/output/target", &Vec::new())] {
            let Some(top) = op.pointer(key).and_then(Value::as_str) else { continue };
            for (member, target) in model.children(top) {
                if !skip.contains(&member.as_str()) {
                    model.reach(&target, &mut documented);
                }
            }
        }
        let lines = unindented(&page);
        let values_lists = lists(&lines, "Possible values:");
        let constraint_lists = lists(&lines, "Constraints:");
        let mut expected_values = Vec::new();
        let mut expected_constraints = Vec::new();
        for id in &documented {
            if let Some(values) = model.enum_values(id) {
                enums += 1;
                if !values_lists.iter().any(|l| l.iter().copied().eq(values.iter().map(String::as_str))) {
                    fail(format!("no Possible values: list of {id}: {values:?}"));
                }
                expected_values.push(values);
            }
            let want = model.constraints(id);
            if !want.is_empty() {
                constraints += 1;
                let matches = |l: &Vec<&str>| l.len() == want.len() && l.iter().zip(&want).all(|(i, w)| says(i, w));
                if !constraint_lists.iter().any(matches) {
                    fail(format!("no Constraints: list of {id}: {want:?}"));
                }
                expected_constraints.push(want);
            }
        }
        for l in &values_lists {
            if !expected_values.iter().any(|v| l.iter().copied().eq(v.iter().map(String::as_str))) {
                fail(format!("a Possible values: list no documented enum has: {l:?}"));
            }
        }
        for l in &constraint_lists {
            if !expected_constraints.iter().any(|w| l.len() == w.len() && l.iter().zip(w).all(|(i, w)| says(i, w))) {
                fail(format!("a Constraints: list no documented shape has: {l:?}"));
            }
        }
    }
    eprintln!(
        "{} pages: {paginated} paginated, {enums} enum lists, {constraints} constraint lists, {} nested headings and \
         {} [required] marks checked",
        operations.len(),
        headings.0,
        headings.1
    );
    assert!(failures.is_empty(), "{} facts missing or wrong:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(operations.len(), 370);
    assert_eq!(paginated, 81, "the operations the AWS CLI pages");
}
