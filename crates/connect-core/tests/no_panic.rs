//! Property tests: no user input makes the input pipeline panic. Arbitrary strings (any Unicode,
//! and strategies biased towards each grammar: shorthand, JSON, YAML, `file://` values, deep
//! nesting) go through every parser and every parameter of every operation, and what parses goes
//! on through validation and, when it validates, serialization. Alongside, the properties the
//! rest of the project relies on: caret lines in shorthand errors, consistent JSON error
//! positions, `pyjson` accepting what `serde_json` accepts, and request targets that need no
//! further escaping.
//!
//! Each property runs 512 cases by default; `PROPTEST_CASES=N` runs N instead.

use std::collections::HashSet;

use connect_core::compat::{json_loads, repr};
use connect_core::generated::SERVICE;
use connect_core::input::paramfile::ParamFileError;
use connect_core::input::shorthand::{self, Node, ParamFiles, ShorthandError};
use connect_core::input::{self, CliInputFormat, InputError};
use connect_core::input::{validate, yaml};
use connect_core::model::{EnumValue, Http, Kind, Location, Member, Operation, Shape, TimestampFormat};
use connect_core::wire::rest_json;
use proptest::prelude::*;
use proptest::string::string_regex;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Shapes beyond the shipped model: one of every kind and location, so that every branch of the
// model-driven code is reached whatever operations the model has.

static TEXT: Shape = Shape::new("Text", Kind::String).with_length(Some(1.0), Some(40.0));
static ANY_TEXT: Shape = Shape::new("AnyText", Kind::String);
static INT: Shape = Shape::new("Int", Kind::Integer).with_range(Some(-5.0), Some(1000.0));
static LONG: Shape = Shape::new("Long", Kind::Long);
static FLOAT: Shape = Shape::new("Float", Kind::Float).with_range(Some(0.0), None);
static DOUBLE: Shape = Shape::new("Double", Kind::Double);
static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
static WHEN: Shape = Shape::new("When", Kind::Timestamp(TimestampFormat::Default));
static WHEN_EPOCH: Shape = Shape::new("WhenEpoch", Kind::Timestamp(TimestampFormat::EpochSeconds));
static WHEN_HTTP: Shape = Shape::new("WhenHttp", Kind::Timestamp(TimestampFormat::HttpDate));
static WHEN_ISO: Shape = Shape::new("WhenIso", Kind::Timestamp(TimestampFormat::DateTime));
static COLOR: Shape =
    Shape::new("Color", Kind::Enum(&[EnumValue::new("RED", "red"), EnumValue::new("GREEN", "Green")]));
static TEXTS: Shape = Shape::new("Texts", Kind::List(&ANY_TEXT)).with_length(Some(0.0), Some(5.0));
static INTS: Shape = Shape::new("Ints", Kind::List(&INT));
static WHENS: Shape = Shape::new("Whens", Kind::List(&WHEN));
static MATRIX: Shape = Shape::new("Matrix", Kind::List(&TEXTS));
static DICT: Shape = Shape::new("Dict", Kind::Map { key: &TEXT, value: &INT }).with_length(Some(1.0), None);
static MULTI: Shape = Shape::new("Multi", Kind::Map { key: &COLOR, value: &TEXTS });
static CHOICE: Shape = Shape::new(
    "Choice",
    Kind::Union(&[
        Member::new("Text", "text", &ANY_TEXT),
        Member::new("Number", "number", &DOUBLE),
        Member::new("Tree", "tree", &TREE),
    ]),
);
static TREE: Shape = Shape::new(
    "Tree",
    Kind::Structure(&[
        Member::new("Name", "name", &TEXT).with_required(),
        Member::new("Left", "left", &TREE),
        Member::new("Kids", "kids", &TREES),
        Member::new("At", "at", &WHEN_ISO),
    ]),
);
static TREES: Shape = Shape::new("Trees", Kind::List(&TREE));
static THING: Shape = Shape::new(
    "Thing",
    Kind::Structure(&[
        Member::new("Name", "name", &TEXT),
        Member::new("Count", "count", &INT),
        Member::new("Big", "big", &LONG),
        Member::new("Ratio", "ratio", &FLOAT),
        Member::new("On", "on", &FLAG),
        Member::new("At", "at", &WHEN),
        Member::new("Color", "color", &COLOR),
        Member::new("Tags", "tags", &TEXTS),
        Member::new("Grid", "grid", &MATRIX),
        Member::new("Dict", "dict", &DICT),
        Member::new("Multi", "multi", &MULTI),
        Member::new("Choice", "choice", &CHOICE),
    ]),
);
static THINGS: Shape = Shape::new("Things", Kind::List(&THING));
static ZOO_INPUT: Shape = Shape::new(
    "ZooInput",
    Kind::Structure(&[
        Member::new("Id", "id", &TEXT).with_required().with_location(Location::Label),
        Member::new("Path", "path", &ANY_TEXT).with_required().with_location(Location::Label),
        Member::new("Q", "q", &ANY_TEXT).with_location(Location::Query("q")),
        Member::new("Numbers", "numbers", &INTS).with_location(Location::Query("n m")),
        Member::new("Since", "since", &WHEN).with_location(Location::Query("since")),
        Member::new("Many", "many", &WHENS).with_location(Location::Query("many")),
        Member::new("Flagged", "flagged", &FLAG).with_location(Location::Query("flagged")),
        Member::new("Token", "token", &ANY_TEXT).with_location(Location::Header("x-token")),
        Member::new("Stamp", "stamp", &WHEN_HTTP).with_location(Location::Header("x-stamp")),
        Member::new("Epoch", "epoch", &WHEN_EPOCH).with_location(Location::Header("x-epoch")),
        Member::new("Labels", "labels", &TEXTS).with_location(Location::Header("x-labels")),
        Member::new("Thing", "thing", &THING).with_required(),
        Member::new("Things", "things", &THINGS),
        Member::new("Tree", "tree", &TREE),
        Member::new("Choice", "choice", &CHOICE),
        Member::new("Dict", "dict", &DICT),
        Member::new("Count", "count", &INT),
        Member::new("Ratio", "ratio", &DOUBLE),
        Member::new("On", "on", &FLAG),
        Member::new("At", "at", &WHEN),
    ]),
);
static ZOO: Operation =
    Operation::new("Zoo", "zoo", Http { method: "PUT", uri: "/zoo/{Id}/x/{Path}?static=1", code: 200 })
        .with_input(&ZOO_INPUT);

/// The shipped model's operations, then the zoo.
fn operations() -> Vec<&'static Operation> {
    SERVICE.operations().chain([&ZOO]).collect()
}

/// Every member reachable from the operations' inputs, each once, top-level members first.
fn all_members() -> Vec<&'static Member> {
    let mut out: Vec<&'static Member> = Vec::new();
    let mut seen_shapes: HashSet<*const Shape> = HashSet::new();
    let mut queue: Vec<&'static Shape> = operations().iter().filter_map(|op| op.input()).collect();
    while let Some(shape) = queue.pop() {
        if !seen_shapes.insert(shape) {
            continue;
        }
        match shape.kind() {
            Kind::Structure(members) | Kind::Union(members) => {
                for m in members {
                    if !out.iter().any(|o| std::ptr::eq(*o, m)) {
                        out.push(m);
                    }
                    queue.push(m.target());
                }
            }
            Kind::List(item) => queue.push(item),
            Kind::Map { key, value } => queue.extend([key, value]),
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Refuses every file reference after `@=`; other values stay strings.
struct RefuseFiles;

impl ParamFiles for RefuseFiles {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        if value.starts_with("file://") || value.starts_with("fileb://") {
            Err(ParamFileError::Io { uri: value.to_owned(), reason: "refused by the test".to_owned() })
        } else {
            Ok(None)
        }
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn regex(re: &str) -> BoxedStrategy<String> {
    string_regex(re).expect("valid regex").boxed()
}

/// The caret line `error_location` draws under `index` (a char index into `input`).
fn caret_line(input: &str, index: usize) -> String {
    let before: Vec<char> = input.chars().take(index).collect();
    let column = match before.iter().rposition(|&c| c == '\n') {
        Some(nl) => before.len() - nl - 1,
        None => before.len(),
    };
    format!("\n{}^", " ".repeat(column))
}

/// Checks what a shorthand error says about where it happened.
fn check_shorthand_error(input: &str, e: &ShorthandError) -> Result<(), TestCaseError> {
    let text = e.to_string();
    let len = input.chars().count();
    match e {
        ShorthandError::Syntax { index, input: echoed, .. } => {
            prop_assert_eq!(echoed.as_str(), input);
            prop_assert!(*index <= len, "index {} beyond {} chars", index, len);
            prop_assert!(text.starts_with("Expected: '"), "{}", text);
            prop_assert!(text.contains(&caret_line(input, *index)), "no caret line in {:?}", text);
        }
        ShorthandError::DuplicateKey { index, .. } => {
            prop_assert!(*index <= len, "index {} beyond {} chars", index, len);
            prop_assert!(text.contains(&caret_line(input, *index)), "no caret line in {:?}", text);
        }
        _ => {}
    }
    Ok(())
}

/// Checks that a JSON error's line and column describe its char position.
fn check_json_error(text: &str, e: &json_loads::JsonError) -> Result<(), TestCaseError> {
    let chars: Vec<char> = text.chars().collect();
    prop_assert!(e.pos <= chars.len());
    let before = &chars[..e.pos];
    prop_assert_eq!(e.line, before.iter().filter(|c| **c == '\n').count() + 1);
    let line_start = before.iter().rposition(|c| *c == '\n').map_or(0, |nl| nl + 1);
    prop_assert_eq!(e.column, e.pos - line_start + 1);
    let _ = e.to_string();
    Ok(())
}

/// A request target needs no further escaping: only unreserved characters, `/?=&`, and `%`
/// followed by two upper-case hex digits.
fn check_target(target: &str) -> Result<(), TestCaseError> {
    prop_assert!(target.starts_with('/'), "{}", target);
    let bytes = target.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_alphanumeric() || b"-._~/?=&%".contains(&b);
        prop_assert!(ok, "byte {:?} at {} in {}", b as char, i, target);
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h));
            prop_assert!(hex(i + 1) && hex(i + 2), "bad escape at {} in {}", i, target);
        }
    }
    Ok(())
}

/// Whether a shape contains a timestamp anywhere (validation accepts date texts that the
/// serializer does not read, so only timestamp-free inputs must always serialize).
fn has_timestamp(shape: &'static Shape, seen: &mut Vec<*const Shape>) -> bool {
    if seen.contains(&(shape as *const Shape)) {
        return false;
    }
    seen.push(shape);
    match shape.kind() {
        Kind::Timestamp(_) => true,
        Kind::Structure(ms) | Kind::Union(ms) => ms.iter().any(|m| has_timestamp(m.target(), seen)),
        Kind::List(item) => has_timestamp(item, seen),
        Kind::Map { key, value } => has_timestamp(key, seen) || has_timestamp(value, seen),
        _ => false,
    }
}

/// Validates `input` for `op` and serializes it when it validates, checking the request.
fn validate_and_serialize(op: &'static Operation, input: &Map<String, Value>) -> Result<(), TestCaseError> {
    let Some(shape) = op.input() else { return Ok(()) };
    let doc = Value::Object(input.clone());
    if let Err(e) = validate::validate(&doc, shape) {
        prop_assert!(!e.problems().is_empty());
        let _ = e.to_string();
        let _ = e.botocore_report();
        return Ok(());
    }
    match rest_json::serialize(op, input) {
        Ok(request) => {
            check_target(&request.target)?;
            if let Some(body) = &request.body {
                prop_assert!(serde_json::from_slice::<Value>(body).is_ok(), "body is not JSON");
            }
            let _ = rest_json::redact(shape, &doc);
        }
        Err(e) => {
            prop_assert!(has_timestamp(shape, &mut Vec::new()), "valid input did not serialize: {}", e);
        }
    }
    Ok(())
}

/// A valid value for `shape`, as small as the model allows: the base that members under test are
/// put into.
fn minimal(shape: &'static Shape) -> Value {
    let min = |b: Option<connect_core::model::Bounds>| b.and_then(|b| b.min).unwrap_or(0.0).max(0.0) as usize;
    match shape.kind() {
        Kind::String => Value::String("x".repeat(min(shape.length()).max(1))),
        Kind::Enum(values) => Value::String(values.first().map_or("", |v| v.value()).to_owned()),
        Kind::Integer | Kind::Long | Kind::Float | Kind::Double => {
            Value::from(shape.range().and_then(|r| r.min).unwrap_or(0.0).max(0.0) as i64)
        }
        Kind::Boolean => Value::Bool(true),
        Kind::Timestamp(_) => Value::from(0),
        Kind::Structure(members) => Value::Object(
            members.iter().filter(|m| m.required()).map(|m| (m.name().to_owned(), minimal(m.target()))).collect(),
        ),
        Kind::Union(members) => {
            Value::Object(members.iter().take(1).map(|m| (m.name().to_owned(), minimal(m.target()))).collect())
        }
        Kind::List(item) => Value::Array((0..min(shape.length())).map(|_| minimal(item)).collect()),
        Kind::Map { key, value } => Value::Object(
            (0..min(shape.length()))
                .map(|i| {
                    let k = match minimal(key) {
                        Value::String(s) if i == 0 => s,
                        Value::String(s) => format!("{s}{i}"),
                        _ => i.to_string(),
                    };
                    (k, minimal(value))
                })
                .collect(),
        ),
    }
}

/// The operation whose input has `member` at the top level.
fn owner(member: &'static Member) -> Option<&'static Operation> {
    operations().into_iter().find(|op| op.input().is_some_and(|s| s.members().iter().any(|m| std::ptr::eq(m, member))))
}

/// Runs one member's command-line values through the pipeline.
fn check_param(member: &'static Member, values: &[String]) -> Result<(), TestCaseError> {
    let value = match input::param_value(member, values, &RefuseFiles) {
        Ok(v) => v,
        Err(e) => {
            let text = e.to_string();
            match &e {
                InputError::Param { param, .. } => {
                    prop_assert_eq!(param, &format!("--{}", member.cli_name()));
                    prop_assert!(text.starts_with("Error parsing parameter '--"), "{}", text);
                }
                InputError::TooDeep(_) => {
                    prop_assert!(text.starts_with("maximum recursion depth exceeded"), "{}", text)
                }
                _ => {}
            }
            return Ok(());
        }
    };
    // Nested members: validated on their own.
    if let Err(e) = validate::validate(&value, member.target()) {
        let _ = e.to_string();
    }
    // Top-level members: put into an otherwise valid input and sent through the whole pipeline.
    if let Some(op) = owner(member) {
        let Value::Object(mut input) = minimal(op.input().expect("owner has an input")) else {
            unreachable!("inputs are structures")
        };
        input.insert(member.name().to_owned(), value);
        validate_and_serialize(op, &input)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Any Unicode text.
fn unicode() -> BoxedStrategy<String> {
    any::<String>().boxed()
}

/// Text over the shorthand grammar's characters.
fn grammar() -> BoxedStrategy<String> {
    regex(r#"[a-zA-Z=,\[\]{}'"\\@ \n:./-]{0,64}"#)
}

/// Grammar characters plus digits, a few non-ASCII letters and the odd control character.
fn grammar_wide() -> BoxedStrategy<String> {
    proptest::collection::vec(
        regex("[a-c0-9=,\\[\\]{}'\"\\\\@ \t\n:./_#+-]|é|✓|😀|\u{1c}|\u{feff}|\u{2028}|\u{0}"),
        0..48,
    )
    .prop_map(|parts| parts.concat())
    .boxed()
}

/// Values with a paramfile prefix. The paths never reach a real file: they are refused (after
/// `@=`) or name a directory that does not exist.
fn file_refs() -> BoxedStrategy<String> {
    (
        regex("file://|fileb://|FILE://|file:/|file"),
        regex(r#"/nonexistent-aws-connect/[a-zA-Z=,\[\]{}'"\\@ :.$~-]{0,24}"#),
    )
        .prop_map(|(prefix, path)| format!("{prefix}{path}"))
        .boxed()
}

/// Shorthand `@=` values and keys with file references.
fn shorthand_file_refs() -> BoxedStrategy<String> {
    (regex("[A-Za-z]{1,6}"), regex(" ?@? ?= ?"), file_refs(), regex(r#"(,[A-Za-z]{1,4}@?=[a-z{}\[\],]{0,8}){0,2}"#))
        .prop_map(|(k, eq, f, rest)| format!("{k}{eq}{f}{rest}"))
        .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        regex("[A-Z][a-z]{0,6}"),
        Just("Name".to_owned()),
        Just("FirstName".to_owned()),
        Just("Count".to_owned()),
        Just("Tags".to_owned()),
        regex("[a-zA-Z0-9_.#/:-]{0,4}"),
    ]
    .boxed()
}

/// Well-formed-ish shorthand values, nested up to a few levels.
fn shorthand_value() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        regex("[a-zA-Z0-9 ._:/-]{0,8}"),
        regex("'[^']{0,6}'"),
        regex("\"[^\"\\\\]{0,6}\""),
        regex("-?[0-9]{1,4}(\\.[0-9]{1,2})?"),
        Just("true".to_owned()),
        Just(String::new()),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((key(), inner), 0..4).prop_map(|kv| {
                let pairs: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{{{}}}", pairs.join(","))
            }),
        ]
    })
    .boxed()
}

/// Top-level shorthand: `Key=value,…`.
fn shorthand_doc() -> BoxedStrategy<String> {
    proptest::collection::vec((key(), shorthand_value()), 1..4)
        .prop_map(|kv| kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
        .boxed()
}

/// Nesting far deeper than any model: `a={b={c=[…]}}`, `[[[…]]]`, `{"a":{"a":…}}`, `- - - x`.
fn deep() -> BoxedStrategy<String> {
    let opener = prop_oneof![
        Just(("a=", "{b=", "}")),
        Just(("a=", "[", "]")),
        Just(("a=", "{b=[", "]}")),
        Just(("", "[", "]")),
        Just(("", "{\"a\":", "}")),
        Just(("", "[{\"a\":[", "]}]")),
        Just(("", "- ", "")),
        Just(("", "{a: ", "}")),
        Just(("a: ", "- ", "")),
    ];
    (opener, 1usize..20_000, any::<bool>(), regex("[a-z0-9\"]{0,3}"))
        .prop_map(|((prefix, open, close), depth, closed, middle)| {
            let mut s = prefix.to_owned();
            s.push_str(&open.repeat(depth));
            s.push_str(&middle);
            if closed {
                s.push_str(&close.repeat(depth));
            }
            s
        })
        .boxed()
}

/// Applies a few random edits (delete, insert, replace) to a text.
fn mutated(base: BoxedStrategy<String>) -> BoxedStrategy<String> {
    let edit = (any::<prop::sample::Index>(), 0u8..3, regex("[=,\\[\\]{}'\"\\\\@ :a0\n-]|é"));
    (base, proptest::collection::vec(edit, 0..4))
        .prop_map(|(s, edits)| {
            let mut chars: Vec<char> = s.chars().collect();
            for (at, kind, text) in edits {
                let i = if chars.is_empty() { 0 } else { at.index(chars.len()) };
                match kind {
                    0 if !chars.is_empty() => {
                        chars.remove(i);
                    }
                    1 if !chars.is_empty() => chars.splice(i..=i, text.chars()).for_each(drop),
                    _ => chars.splice(i..i, text.chars()).for_each(drop),
                }
            }
            chars.into_iter().collect()
        })
        .boxed()
}

/// Everything a shorthand-capable parameter may be given.
fn param_text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => unicode(),
        2 => grammar(),
        1 => grammar_wide(),
        1 => file_refs(),
        1 => shorthand_file_refs(),
        3 => shorthand_doc(),
        3 => mutated(shorthand_doc()),
        2 => json_text(),
        2 => mutated(json_text()),
        1 => deep(),
        1 => regex("[ \t]*-?[0-9_]{1,30}(\\.[0-9_]*)?([eE][+-]?[0-9]{1,4})?[ \t]*"),
        1 => regex("(?i)[ +-]?(true|false|nan|inf|infinity|yes|none|null)"),
    ]
    .boxed()
}

/// JSON values, serialized compactly or with whitespace.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        regex("[a-zA-Z0-9 ]{0,8}").prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

fn json_text() -> BoxedStrategy<String> {
    (json_value(), any::<bool>(), regex("[ \t\n\r]{0,2}"))
        .prop_map(|(v, pretty, ws)| {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
            format!("{ws}{}{ws}", text.expect("serializable"))
        })
        .boxed()
}

/// Text over JSON's characters, and number-like texts.
fn json_chars() -> BoxedStrategy<String> {
    prop_oneof![
        regex(r#"[\[\]{}",:0-9eE.+\- \ntrufalsn\\/]{0,40}"#),
        regex(r#"-?(0|[1-9][0-9]{0,25}|0[0-9]{1,3})(\.[0-9]{0,3})?([eE][+-]?[0-9]{0,4})?"#),
        regex(r#""([^"\\]|\\[\\"/bfnrtu0x]|\\u[0-9a-fA-F]{0,4}){0,8}"?"#),
        regex(r#"\[ ?(1|"a"|\{\}|\[\]) ?(, ?)?\]|\{ ?("a" ?: ?1)? ?,? ?\}"#),
    ]
    .boxed()
}

/// Values shaped by the model: mostly the right types and member names, sometimes not.
fn shaped(shape: &'static Shape, depth: u32) -> BoxedStrategy<Value> {
    if depth == 0 {
        return prop_oneof![Just(Value::Null), regex("[a-z]{0,3}").prop_map(Value::String)].boxed();
    }
    let right: BoxedStrategy<Value> = match shape.kind() {
        Kind::String => prop_oneof![
            8 => regex("[a-zA-Z0-9 ]{1,12}"),
            3 => any::<String>(),
            1 => Just(".".to_owned()),
            1 => Just("..".to_owned()),
            1 => Just(String::new()),
        ]
        .prop_map(Value::String)
        .boxed(),
        Kind::Enum(values) => {
            let names: Vec<String> = values.iter().map(|v| v.value().to_owned()).collect();
            prop_oneof![8 => proptest::sample::select(names), 1 => Just("bogus".to_owned())]
                .prop_map(Value::String)
                .boxed()
        }
        Kind::Integer | Kind::Long => {
            let bounds = shape.range().unwrap_or(connect_core::model::Bounds { min: None, max: None });
            let (min, max) = (bounds.min.unwrap_or(-1e6) as i64, bounds.max.unwrap_or(1e6) as i64);
            prop_oneof![8 => (min..=max).prop_map(Value::from), 1 => any::<i64>().prop_map(Value::from)].boxed()
        }
        Kind::Float | Kind::Double => any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64).prop_map(Value::Number).boxed(),
        Kind::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::Timestamp(_) => prop_oneof![
            (-1e11f64..1e11).prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            regex("[12][0-9]{3}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-][01][0-9]:[0-5][0-9])?)?")
                .prop_map(Value::String),
            regex("[A-Z][a-z]{2} [0-9]{1,2},? [0-9]{4}( [0-9]{1,2}:[0-9]{2})?").prop_map(Value::String),
            regex("[0-9.e+-]{1,12}|inf|nan|-inf").prop_map(Value::String),
        ]
        .boxed(),
        Kind::Structure(members) | Kind::Union(members) => {
            let is_union = matches!(shape.kind(), Kind::Union(_));
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = members
                .iter()
                .map(|m| {
                    let present = if m.required() { 0.95 } else if is_union { 0.3 } else { 0.5 };
                    proptest::option::weighted(present, shaped(m.target(), depth - 1))
                        .prop_map(move |v| v.map(|v| (m.name().to_owned(), v)))
                        .boxed()
                })
                .collect();
            let extra = proptest::option::weighted(0.05, (key(), shaped(&ANY_TEXT, 1)));
            (fields, extra)
                .prop_map(|(fields, extra)| Value::Object(fields.into_iter().flatten().chain(extra).collect()))
                .boxed()
        }
        Kind::List(item) => proptest::collection::vec(shaped(item, depth - 1), 0..4).prop_map(Value::Array).boxed(),
        Kind::Map { key, value } => proptest::collection::vec(
            (shaped(key, 1).prop_map(|k| k.as_str().map_or_else(|| k.to_string(), str::to_owned)), shaped(value, depth - 1)),
            0..4,
        )
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
        .boxed(),
    };
    prop_oneof![40 => right, 1 => json_value()].boxed()
}

/// An operation and a document for it, written as JSON or as YAML.
fn cli_document() -> BoxedStrategy<(&'static Operation, CliInputFormat, String)> {
    let ops = operations();
    proptest::sample::select(ops)
        .prop_flat_map(|op| {
            let doc = match op.input() {
                Some(shape) => shaped(shape, 5),
                None => json_value(),
            };
            let text = prop_oneof![
                4 => (doc, any::<bool>()).prop_map(|(v, pretty)| {
                    if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }.expect("json")
                }),
                1 => unicode(),
                1 => json_chars(),
                1 => yaml_chars(),
                1 => mutated(json_text()),
                1 => deep(),
                1 => file_refs(),
            ];
            let format = prop_oneof![Just(CliInputFormat::Json), Just(CliInputFormat::Yaml)];
            (Just(op), format, text)
        })
        .boxed()
}

/// Text over YAML's indicators.
fn yaml_chars() -> BoxedStrategy<String> {
    prop_oneof![
        regex(r#"[a-z0-9:\-\[\]{},#&*!|>'"%@` \n\t?.~]{0,48}"#),
        proptest::collection::vec(
            regex(
                r#"( {0,4}(- )?[a-zA-Z]{1,5}: ?([a-z0-9.]{0,5}|&a|\*a|!!str|!!int|!!float|\|)|---|\.\.\.|%YAML 1\.2)"#
            ),
            0..8,
        )
        .prop_map(|lines| lines.join("\n")),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn shorthand_never_panics(text in prop_oneof![
        unicode(), grammar(), grammar_wide(), shorthand_doc(), mutated(shorthand_doc()),
        shorthand_file_refs(), deep(),
    ]) {
        match shorthand::parse(&text, &RefuseFiles) {
            Ok(node) => {
                prop_assert!(matches!(node, Node::Map(_)));
                let _ = node.to_json();
            }
            Err(e) => check_shorthand_error(&text, &e)?,
        }
    }

    #[test]
    fn pyjson_never_panics(text in prop_oneof![
        unicode(), json_chars(), json_text(), mutated(json_text()), deep(), grammar(),
    ]) {
        match json_loads::parse(&text) {
            Ok(v) => { let _ = v.to_string(); }
            Err(e) => check_json_error(&text, &e)?,
        }
    }

    #[test]
    fn pyjson_accepts_what_serde_json_accepts(text in prop_oneof![
        json_chars(), json_text(), mutated(json_text()), unicode(),
    ]) {
        // Outside the common grammar: Python's NaN/Infinity, lone surrogates, the BOM.
        let lone_surrogate = text.to_ascii_lowercase().contains("\\ud");
        prop_assume!(!text.contains("NaN") && !text.contains("Infinity"));
        prop_assume!(!lone_surrogate && !text.starts_with('\u{feff}'));
        let ours = json_loads::parse(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        if let Err(e) = &theirs {
            // serde_json stops at 128 levels; Python does not.
            prop_assume!(!e.to_string().contains("recursion limit"));
        }
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "pyjson {:?}, serde_json {:?}", ours, theirs);
        if let (Ok(a), Ok(b)) = (ours, theirs) {
            prop_assert!(same_json(&a, &b), "{} != {}", a, b);
        }
    }

    #[test]
    fn yaml_never_panics(text in prop_oneof![unicode(), yaml_chars(), json_text(), deep(), mutated(yaml_chars())]) {
        match yaml::parse(&text) {
            Ok(v) => { let _ = v.to_string(); }
            Err(e) => { let _ = e.to_string(); }
        }
    }

    #[test]
    fn python_numbers_never_panic(text in prop_oneof![
        unicode(),
        regex("[ \t\u{1c}]*[+-]{0,2}[0-9_]{0,40}(\\.[0-9_]{0,5})?([eE][+-]?[0-9_]{0,5})?[ \t]*"),
        regex("(?i)[+-]?(nan|inf|infinity|1e999|0x1f|1_000|١٢٣)"),
    ]) {
        if let Ok(v) = repr::int(&text) {
            prop_assert!(v.is_number(), "int({:?}) = {}", text, v);
        }
        if let Ok(v) = repr::float(&text) {
            prop_assert!(v.as_f64().is_some_and(f64::is_finite), "float({:?}) = {}", text, v);
        }
    }

    #[test]
    fn python_numbers_read_rust_numbers(i in any::<i64>(), f in any::<f64>()) {
        prop_assert_eq!(repr::int(&i.to_string()).ok(), Some(Value::from(i)));
        if f.is_finite() {
            prop_assert_eq!(repr::float(&format!("{f:?}")).ok().and_then(|v| v.as_f64()), Some(f));
        }
    }

    #[test]
    fn every_parameter_never_panics(
        member in proptest::sample::select(all_members()),
        values in proptest::collection::vec(param_text(), 1..3),
    ) {
        check_param(member, &values)?;
    }

    #[test]
    fn cli_input_never_panics((op, format, text) in cli_document()) {
        match input::cli_input(format, &text) {
            Ok(document) => {
                let explicit = match minimal(op.input().unwrap_or(&ANY_TEXT)) {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                // The document alone, and merged under an otherwise valid input.
                validate_and_serialize(op, &document)?;
                validate_and_serialize(op, &input::merge(Map::new(), document.clone()))?;
                let mut merged = document;
                for (k, v) in explicit {
                    merged.entry(k).or_insert(v);
                }
                validate_and_serialize(op, &merged)?;
            }
            Err(InputError::TooDeep(text)) => {
                prop_assert!(text.starts_with("maximum recursion depth exceeded"), "{}", text);
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.starts_with("Error parsing parameter '"), "{}", text);
            }
        }
    }
}

/// JSON equality with numbers compared by value: integers exactly, floats to 2 units in the last
/// place (serde_json's default float parsing may be off by one; Python's, like `pyjson`'s, is
/// correctly rounded).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
            (Some(p), Some(q), _, _) => p == q,
            (_, _, Some(p), Some(q)) => p == q,
            _ => {
                let (p, q) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
                p == q || (p.signum() == q.signum() && p.to_bits().abs_diff(q.to_bits()) <= 2)
            }
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
