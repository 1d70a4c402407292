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

mod fixture;
mod helpers;
mod strategies;

use fixture::*;
use helpers::*;
use strategies::*;

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
