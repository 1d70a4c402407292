//! What the properties check: caret lines, JSON error positions, request targets, and running
//! a parsed input on through validation and serialization.

use super::*;

/// Refuses every file reference after `@=`; other values stay strings.
pub(crate) struct RefuseFiles;

impl ParamFiles for RefuseFiles {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        if value.starts_with("file://") || value.starts_with("fileb://") {
            Err(ParamFileError::Io { uri: value.to_owned(), reason: "refused by the test".to_owned() })
        } else {
            Ok(None)
        }
    }
}

pub(crate) fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

pub(crate) fn regex(re: &str) -> BoxedStrategy<String> {
    string_regex(re).expect("valid regex").boxed()
}

/// The caret line `error_location` draws under `index` (a char index into `input`).
pub(crate) fn caret_line(input: &str, index: usize) -> String {
    let before: Vec<char> = input.chars().take(index).collect();
    let column = match before.iter().rposition(|&c| c == '\n') {
        Some(nl) => before.len() - nl - 1,
        None => before.len(),
    };
    format!("\n{}^", " ".repeat(column))
}

/// Checks what a shorthand error says about where it happened.
pub(crate) fn check_shorthand_error(input: &str, e: &ShorthandError) -> Result<(), TestCaseError> {
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
pub(crate) fn check_json_error(text: &str, e: &json_loads::JsonError) -> Result<(), TestCaseError> {
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
pub(crate) fn check_target(target: &str) -> Result<(), TestCaseError> {
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
pub(crate) fn has_timestamp(shape: &'static Shape, seen: &mut Vec<*const Shape>) -> bool {
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
pub(crate) fn validate_and_serialize(op: &'static Operation, input: &Map<String, Value>) -> Result<(), TestCaseError> {
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
pub(crate) fn minimal(shape: &'static Shape) -> Value {
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
pub(crate) fn owner(member: &'static Member) -> Option<&'static Operation> {
    operations().into_iter().find(|op| op.input().is_some_and(|s| s.members().iter().any(|m| std::ptr::eq(m, member))))
}

/// Runs one member's command-line values through the pipeline.
pub(crate) fn check_param(member: &'static Member, values: &[String]) -> Result<(), TestCaseError> {
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
