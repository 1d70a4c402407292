//! The generators of inputs: any Unicode, and strings biased towards each grammar (shorthand,
//! JSON, YAML, `file://` values, deep nesting), and documents shaped by an operation's input.

use super::*;

/// Any Unicode text.
pub(crate) fn unicode() -> BoxedStrategy<String> {
    any::<String>().boxed()
}

/// Text over the shorthand grammar's characters.
pub(crate) fn grammar() -> BoxedStrategy<String> {
    regex(r#"[a-zA-Z=,\[\]{}'"\\@ \n:./-]{0,64}"#)
}

/// Grammar characters plus digits, a few non-ASCII letters and the odd control character.
pub(crate) fn grammar_wide() -> BoxedStrategy<String> {
    proptest::collection::vec(
        regex("[a-c0-9=,\\[\\]{}'\"\\\\@ \t\n:./_#+-]|é|✓|😀|\u{1c}|\u{feff}|\u{2028}|\u{0}"),
        0..48,
    )
    .prop_map(|parts| parts.concat())
    .boxed()
}

/// Values with a paramfile prefix. The paths never reach a real file: they are refused (after
/// `@=`) or name a directory that does not exist.
pub(crate) fn file_refs() -> BoxedStrategy<String> {
    (
        regex("file://|fileb://|FILE://|file:/|file"),
        regex(r#"/nonexistent-aws-connect/[a-zA-Z=,\[\]{}'"\\@ :.$~-]{0,24}"#),
    )
        .prop_map(|(prefix, path)| format!("{prefix}{path}"))
        .boxed()
}

/// Shorthand `@=` values and keys with file references.
pub(crate) fn shorthand_file_refs() -> BoxedStrategy<String> {
    (regex("[A-Za-z]{1,6}"), regex(" ?@? ?= ?"), file_refs(), regex(r#"(,[A-Za-z]{1,4}@?=[a-z{}\[\],]{0,8}){0,2}"#))
        .prop_map(|(k, eq, f, rest)| format!("{k}{eq}{f}{rest}"))
        .boxed()
}

pub(crate) fn key() -> BoxedStrategy<String> {
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
pub(crate) fn shorthand_value() -> BoxedStrategy<String> {
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
pub(crate) fn shorthand_doc() -> BoxedStrategy<String> {
    proptest::collection::vec((key(), shorthand_value()), 1..4)
        .prop_map(|kv| kv.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
        .boxed()
}

/// Nesting far deeper than any model: `a={b={c=[…]}}`, `[[[…]]]`, `{"a":{"a":…}}`, `- - - x`.
pub(crate) fn deep() -> BoxedStrategy<String> {
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
pub(crate) fn mutated(base: BoxedStrategy<String>) -> BoxedStrategy<String> {
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
pub(crate) fn param_text() -> BoxedStrategy<String> {
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
pub(crate) fn json_value() -> BoxedStrategy<Value> {
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

pub(crate) fn json_text() -> BoxedStrategy<String> {
    (json_value(), any::<bool>(), regex("[ \t\n\r]{0,2}"))
        .prop_map(|(v, pretty, ws)| {
            let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
            format!("{ws}{}{ws}", text.expect("serializable"))
        })
        .boxed()
}

/// Text over JSON's characters, and number-like texts.
pub(crate) fn json_chars() -> BoxedStrategy<String> {
    prop_oneof![
        regex(r#"[\[\]{}",:0-9eE.+\- \ntrufalsn\\/]{0,40}"#),
        regex(r#"-?(0|[1-9][0-9]{0,25}|0[0-9]{1,3})(\.[0-9]{0,3})?([eE][+-]?[0-9]{0,4})?"#),
        regex(r#""([^"\\]|\\[\\"/bfnrtu0x]|\\u[0-9a-fA-F]{0,4}){0,8}"?"#),
        regex(r#"\[ ?(1|"a"|\{\}|\[\]) ?(, ?)?\]|\{ ?("a" ?: ?1)? ?,? ?\}"#),
    ]
    .boxed()
}

/// Values shaped by the model: mostly the right types and member names, sometimes not.
pub(crate) fn shaped(shape: &'static Shape, depth: u32) -> BoxedStrategy<Value> {
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
pub(crate) fn cli_document() -> BoxedStrategy<(&'static Operation, CliInputFormat, String)> {
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
pub(crate) fn yaml_chars() -> BoxedStrategy<String> {
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
