//! Parameter validation before a request is sent: botocore's `ParamValidator`, over JSON values.
//!
//! [`validate`] walks a JSON input against a [`Shape`] and collects every problem, in the order
//! botocore reports them, with botocore's texts. [`ValidationErrors`] displays them one per line;
//! the AWS CLI prints that text after `Parameter validation failed:` ([`HEADER`]).
//!
//! # What botocore checks (and we mirror)
//!
//! - The Python type of every value. JSON maps onto Python as `json.loads` does: an integral
//!   number (`5`) is an `int`, a number with a fraction or exponent (`5.0`) a `float`, `true` a
//!   `bool`, `null` `None`, an object a `dict`, an array a `list`. As in Python, where `bool` is a
//!   subclass of `int`, `true`/`false` are accepted wherever an integer, long, float or double is
//!   wanted (and count as 1 and 0 in range checks), but a number is not accepted as a boolean.
//!   (An integer beyond 64 bits, which `serde_json` can only hold as a float, counts as a float.)
//! - Timestamps accept what botocore's `parse_to_aware_datetime` accepts from JSON, as far as
//!   [`crate::compat::timestamp`] reproduces it (the serializer reads them with the same code).
//! - Required members of a structure, unknown members (with every member name as the choices),
//!   unions with no member or with more than one key set (unknown keys and `null`s count, as in
//!   botocore), the `@length` minimum of strings (in characters) and lists, the `@range` minimum
//!   of numbers. botocore's empty-union message lacks a space (`tagged unionstructure`); we copy
//!   it as is.
//!
//! # What we check beyond botocore
//!
//! These problems are listed with botocore's, after botocore's problems for the same value, and
//! [`Problem::is_botocore`] tells them apart:
//!
//! - `@length` maximum of strings and lists, and `@length` minimum and maximum of maps
//!   (botocore checks no map length): `Invalid length for parameter X, value: 301, valid max
//!   length: 300` (and `valid min length: 1` for maps).
//! - `@range` maximum: `Invalid value for parameter X, value: 11, valid max value: 10`.
//! - Enum values: `Invalid value for parameter X, value: bogus, valid values: A, B`.
//! - HTTP labels that cannot form a request path: `Invalid value for parameter X, value: ..,
//!   a URI label cannot be empty, "." or ".."`. An empty label that is also under its `@length`
//!   minimum gets both lines.
//!
//! `@pattern` is not enforced: the model's patterns are not reliable.
//!
//! Values are printed as Python's `str()` prints the equivalent Python object (so strings inside
//! containers in `repr()` form); see [`python_str`] and [`python_repr`](crate::compat::repr::python_repr). Sensitive values are
//! printed too, as botocore does. Bounds print as botocore's JSON model writes them: whole
//! numbers, or decimals (`1.0`) where the model writes decimals ([`bound_text`]).

use serde_json::Value;

use crate::compat::json_dumps::python_float;
use crate::compat::repr::{python_str, python_type};
use crate::compat::timestamp;
use crate::model::{Kind, Location, Shape};

/// The line the AWS CLI prints before the problems.
pub const HEADER: &str = "Parameter validation failed:";

/// What kind of problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// botocore: a required member is absent.
    MissingRequired,
    /// botocore: a key that is not a member.
    UnknownParameter,
    /// botocore: a value of the wrong type.
    InvalidType,
    /// botocore: a number under its `@range` minimum.
    RangeMin,
    /// botocore: a string or list under its `@length` minimum.
    LengthMin,
    /// botocore: a union with more than one key.
    UnionMoreThanOne,
    /// botocore: a union with no key.
    UnionEmpty,
    /// Ours: a map under its `@length` minimum (botocore does not check maps).
    MapLengthMin,
    /// Ours: a string, list or map over its `@length` maximum.
    LengthMax,
    /// Ours: a number over its `@range` maximum.
    RangeMax,
    /// Ours: a string that is not one of its enum's values.
    EnumValue,
    /// Ours: an HTTP label that is empty, `.` or `..`.
    UriLabel,
}

impl ProblemKind {
    /// Whether botocore reports this kind of problem too.
    pub fn is_botocore(self) -> bool {
        matches!(
            self,
            ProblemKind::MissingRequired
                | ProblemKind::UnknownParameter
                | ProblemKind::InvalidType
                | ProblemKind::RangeMin
                | ProblemKind::LengthMin
                | ProblemKind::UnionMoreThanOne
                | ProblemKind::UnionEmpty
        )
    }
}

/// One problem of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Which check found it.
    pub kind: ProblemKind,
    /// The parameter's name as the message shows it: `input`, `Config.Name`,
    /// `Items[2]`, `Tags.key`, `Tags (key: key)`.
    pub name: String,
    /// The whole line.
    pub message: String,
}

impl Problem {
    /// Whether botocore reports this problem too.
    pub fn is_botocore(&self) -> bool {
        self.kind.is_botocore()
    }
}

/// Every problem of an input, in botocore's order. `Display` writes one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", join_messages(.problems.iter()))]
pub struct ValidationErrors {
    problems: Vec<Problem>,
}

impl ValidationErrors {
    /// The problems, in botocore's order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The problems, in botocore's order, taken out.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Only the problems botocore reports, as botocore's `generate_report()` writes them.
    pub fn botocore_report(&self) -> String {
        join_messages(self.problems.iter().filter(|p| p.is_botocore()))
    }
}

fn join_messages<'a>(problems: impl Iterator<Item = &'a Problem>) -> String {
    problems.map(|p| p.message.as_str()).collect::<Vec<_>>().join("\n")
}

/// Checks `input` against `shape` and returns every problem found.
pub fn validate(input: &Value, shape: &'static Shape) -> Result<(), ValidationErrors> {
    let mut v = Validator { problems: Vec::new() };
    v.value(input, shape, "");
    if v.problems.is_empty() { Ok(()) } else { Err(ValidationErrors { problems: v.problems }) }
}

struct Validator {
    problems: Vec<Problem>,
}

/// botocore's `_get_name`: `input` for the top level, the dotted path without its leading dot.
fn display_name(path: &str) -> &str {
    if path.is_empty() { "input" } else { path.strip_prefix('.').unwrap_or(path) }
}

impl Validator {
    fn report(&mut self, kind: ProblemKind, path: &str, message: impl FnOnce(&str) -> String) {
        let name = display_name(path).to_owned();
        let message = message(&name);
        self.problems.push(Problem { kind, name, message });
    }

    fn invalid_type(&mut self, path: &str, value: &Value, valid: &str) {
        self.report(ProblemKind::InvalidType, path, |name| {
            format!(
                "Invalid type for parameter {name}, value: {}, type: {}, valid types: {valid}",
                python_str(value),
                python_type(value)
            )
        });
    }

    fn value(&mut self, value: &Value, shape: &'static Shape, path: &str) {
        match shape.kind() {
            Kind::Structure(_) | Kind::Union(_) => self.structure(value, shape, path),
            Kind::String | Kind::Enum(_) => self.string(value, shape, path),
            Kind::Integer | Kind::Long => match value {
                Value::Bool(_) => self.number(value, shape, path),
                Value::Number(n) if !n.is_f64() => self.number(value, shape, path),
                _ => self.invalid_type(path, value, "<class 'int'>"),
            },
            Kind::Float | Kind::Double => match value {
                Value::Bool(_) | Value::Number(_) => self.number(value, shape, path),
                _ => self.invalid_type(path, value, "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"),
            },
            Kind::Boolean => {
                if !value.is_boolean() {
                    self.invalid_type(path, value, "<class 'bool'>");
                }
            }
            Kind::Timestamp(_) => {
                if timestamp::parse(value).is_none() {
                    self.invalid_type(path, value, "<class 'datetime.datetime'>, timestamp-string");
                }
            }
            Kind::List(item) => self.list(value, shape, item, path),
            Kind::Map { key, value: item } => self.map(value, shape, key, item, path),
        }
    }

    fn structure(&mut self, value: &Value, shape: &'static Shape, path: &str) {
        let Value::Object(params) = value else {
            return self.invalid_type(path, value, "<class 'dict'>");
        };
        let members = shape.members();
        let member_names = || members.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
        if matches!(shape.kind(), Kind::Union(_)) {
            if params.is_empty() {
                self.report(ProblemKind::UnionEmpty, path, |name| {
                    // botocore's text, missing space included.
                    format!("Must set one of the following keys for tagged unionstructure {name}: {}.", member_names())
                });
            } else if params.len() > 1 {
                self.report(ProblemKind::UnionMoreThanOne, path, |name| {
                    format!(
                        "Invalid number of parameters set for tagged union structure {name}. Can only set one of the following keys: {}.",
                        member_names()
                    )
                });
            }
        }
        for member in members.iter().filter(|m| m.required()) {
            if !params.contains_key(member.name()) {
                self.report(ProblemKind::MissingRequired, path, |name| {
                    format!("Missing required parameter in {name}: \"{}\"", member.name())
                });
            }
        }
        for key in params.keys() {
            if shape.member(key).is_none() {
                self.report(ProblemKind::UnknownParameter, path, |name| {
                    format!("Unknown parameter in {name}: \"{key}\", must be one of: {}", member_names())
                });
            }
        }
        for (key, item) in params {
            let Some(member) = shape.member(key) else { continue };
            let item_path = format!("{path}.{key}");
            self.value(item, member.target(), &item_path);
            let bad_label = match item {
                Value::String(s) if member.location() == Location::Label => matches!(s.as_str(), "" | "." | ".."),
                _ => false,
            };
            if bad_label {
                self.report(ProblemKind::UriLabel, &item_path, |name| {
                    format!(
                        "Invalid value for parameter {name}, value: {}, a URI label cannot be empty, \".\" or \"..\"",
                        python_str(item)
                    )
                });
            }
        }
    }

    fn string(&mut self, value: &Value, shape: &'static Shape, path: &str) {
        let Value::String(s) = value else {
            return self.invalid_type(path, value, "<class 'str'>");
        };
        self.length(s.chars().count(), shape, ProblemKind::LengthMin, path);
        let Kind::Enum(values) = shape.kind() else { return };
        if !values.iter().any(|v| v.value() == s) {
            self.report(ProblemKind::EnumValue, path, |name| {
                let valid = values.iter().map(|v| v.value()).collect::<Vec<_>>().join(", ");
                format!("Invalid value for parameter {name}, value: {s}, valid values: {valid}")
            });
        }
    }

    /// The `@length` checks of a string, list or map of `len` characters or entries.
    fn length(&mut self, len: usize, shape: &Shape, min_kind: ProblemKind, path: &str) {
        let Some(bounds) = shape.length() else { return };
        let len_f = len as f64;
        if bounds.min.is_some_and(|min| len_f < min) {
            let min = bounds.min.unwrap_or_default();
            self.report(min_kind, path, |name| {
                format!(
                    "Invalid length for parameter {name}, value: {len}, valid min length: {}",
                    bound_text(shape, min)
                )
            });
        }
        if bounds.max.is_some_and(|max| len_f > max) {
            let max = bounds.max.unwrap_or_default();
            self.report(ProblemKind::LengthMax, path, |name| {
                format!(
                    "Invalid length for parameter {name}, value: {len}, valid max length: {}",
                    bound_text(shape, max)
                )
            });
        }
    }

    /// The `@range` checks of a value that passed the type check of a number shape.
    fn number(&mut self, value: &Value, shape: &'static Shape, path: &str) {
        let Some(bounds) = shape.range() else { return };
        let n = match value {
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => n.as_f64().unwrap_or(0.0),
            _ => return,
        };
        if bounds.min.is_some_and(|min| n < min) {
            let min = bounds.min.unwrap_or_default();
            self.report(ProblemKind::RangeMin, path, |name| {
                format!(
                    "Invalid value for parameter {name}, value: {}, valid min value: {}",
                    python_str(value),
                    bound_text(shape, min)
                )
            });
        }
        if bounds.max.is_some_and(|max| n > max) {
            let max = bounds.max.unwrap_or_default();
            self.report(ProblemKind::RangeMax, path, |name| {
                format!(
                    "Invalid value for parameter {name}, value: {}, valid max value: {}",
                    python_str(value),
                    bound_text(shape, max)
                )
            });
        }
    }

    fn list(&mut self, value: &Value, shape: &'static Shape, item: &'static Shape, path: &str) {
        let Value::Array(items) = value else {
            return self.invalid_type(path, value, "<class 'list'>, <class 'tuple'>");
        };
        self.length(items.len(), shape, ProblemKind::LengthMin, path);
        for (i, v) in items.iter().enumerate() {
            self.value(v, item, &format!("{path}[{i}]"));
        }
    }

    fn map(&mut self, value: &Value, shape: &'static Shape, key: &'static Shape, item: &'static Shape, path: &str) {
        let Value::Object(entries) = value else {
            return self.invalid_type(path, value, "<class 'dict'>");
        };
        // botocore checks no length of maps; this is ours.
        self.length(entries.len(), shape, ProblemKind::MapLengthMin, path);
        for (k, v) in entries {
            self.value(&Value::String(k.clone()), key, &format!("{path} (key: {k})"));
            self.value(v, item, &format!("{path}.{k}"));
        }
    }
}

/// A `@length` or `@range` bound of `shape` as Python prints the number botocore's model holds
/// (botocore's messages and the AWS CLI's help pages): a decimal (`1.0`) where the model writes
/// decimals or the bound has a fraction, else a whole number (a bound of 2^63-1, which an `f64`
/// cannot hold exactly, saturates back to it).
pub fn bound_text(shape: &Shape, value: f64) -> String {
    if shape.decimal_bounds() || value.fract() != 0.0 { python_float(value) } else { format!("{}", value as i64) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::repr::python_repr;
    use crate::model::{EnumValue, Member, TimestampFormat};
    use serde_json::json;

    static NAME: Shape = Shape::new("Name", Kind::String).with_length(Some(2.0), Some(4.0));
    static COUNT: Shape = Shape::new("Count", Kind::Integer).with_range(Some(1.0), Some(10.0));
    static RATIO: Shape = Shape::new("Ratio", Kind::Double).with_range(Some(0.5), None);
    static FLAG: Shape = Shape::new("Flag", Kind::Boolean);
    static WHEN: Shape = Shape::new("When", Kind::Timestamp(TimestampFormat::Default));
    static STATE: Shape = Shape::new("State", Kind::Enum(&[EnumValue::new("ON", "on"), EnumValue::new("OFF", "OFF")]));
    static NAMES: Shape = Shape::new("Names", Kind::List(&NAME)).with_length(Some(1.0), Some(2.0));
    static TAGS: Shape = Shape::new("Tags", Kind::Map { key: &NAME, value: &COUNT }).with_length(Some(1.0), Some(2.0));
    static CHOICE: Shape =
        Shape::new("Choice", Kind::Union(&[Member::new("A", "a", &NAME), Member::new("B", "b", &COUNT)]));
    static PLAIN: Shape = Shape::new("Plain", Kind::String);
    static INPUT: Shape = Shape::new(
        "Input",
        Kind::Structure(&[
            Member::new("Id", "id", &PLAIN).with_required().with_location(Location::Label),
            Member::new("Name", "name", &NAME).with_required(),
            Member::new("Count", "count", &COUNT),
            Member::new("Ratio", "ratio", &RATIO),
            Member::new("Flag", "flag", &FLAG),
            Member::new("When", "when", &WHEN),
            Member::new("State", "state", &STATE),
            Member::new("Names", "names", &NAMES),
            Member::new("Tags", "tags", &TAGS),
            Member::new("Choice", "choice", &CHOICE),
        ]),
    );

    fn check(input: Value) -> String {
        match validate(&input, &INPUT) {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn valid_input_passes() {
        let input = json!({
            "Id": "u-1", "Name": "abc", "Count": 3, "Ratio": 1, "Flag": false, "When": "2020-01-31T10:00:00Z",
            "State": "on", "Names": ["ab"], "Tags": {"ab": 1}, "Choice": {"B": 2}
        });
        assert_eq!(check(input), "");
    }

    #[test]
    fn missing_and_unknown_in_botocore_order() {
        insta::assert_snapshot!(check(json!({"Foo": 1, "Name": 5, "Bar": null})), @r#"
        Missing required parameter in input: "Id"
        Unknown parameter in input: "Foo", must be one of: Id, Name, Count, Ratio, Flag, When, State, Names, Tags, Choice
        Unknown parameter in input: "Bar", must be one of: Id, Name, Count, Ratio, Flag, When, State, Names, Tags, Choice
        Invalid type for parameter Name, value: 5, type: <class 'int'>, valid types: <class 'str'>
        "#);
    }

    #[test]
    fn numbers_and_bools_follow_python() {
        insta::assert_snapshot!(check(json!({"Id": "x", "Name": "ab", "Count": true, "Ratio": true, "Flag": 1})), @"Invalid type for parameter Flag, value: 1, type: <class 'int'>, valid types: <class 'bool'>");
        insta::assert_snapshot!(check(json!({"Id": "x", "Name": "ab", "Count": false, "Ratio": 0.25})), @r"
        Invalid value for parameter Count, value: False, valid min value: 1
        Invalid value for parameter Ratio, value: 0.25, valid min value: 0.5
        ");
        insta::assert_snapshot!(check(json!({"Id": "x", "Name": "ab", "Count": 5.0, "Ratio": "1"})), @r"
        Invalid type for parameter Count, value: 5.0, type: <class 'float'>, valid types: <class 'int'>
        Invalid type for parameter Ratio, value: 1, type: <class 'str'>, valid types: <class 'float'>, <class 'decimal.Decimal'>, <class 'int'>
        ");
    }

    #[test]
    fn containers_and_our_additions() {
        let input = json!({
            "Id": "..", "Name": "abcde", "Count": 11, "State": "bogus",
            "Names": ["a", 5, null], "Tags": {"k": 0, "abc": "x", "ab": 1}, "Choice": {"A": "a", "B": 1, "C": null}
        });
        insta::assert_snapshot!(check(input), @r#"
        Invalid value for parameter Id, value: .., a URI label cannot be empty, "." or ".."
        Invalid length for parameter Name, value: 5, valid max length: 4
        Invalid value for parameter Count, value: 11, valid max value: 10
        Invalid value for parameter State, value: bogus, valid values: on, OFF
        Invalid length for parameter Names, value: 3, valid max length: 2
        Invalid length for parameter Names[0], value: 1, valid min length: 2
        Invalid type for parameter Names[1], value: 5, type: <class 'int'>, valid types: <class 'str'>
        Invalid type for parameter Names[2], value: None, type: <class 'NoneType'>, valid types: <class 'str'>
        Invalid length for parameter Tags, value: 3, valid max length: 2
        Invalid length for parameter Tags (key: k), value: 1, valid min length: 2
        Invalid value for parameter Tags.k, value: 0, valid min value: 1
        Invalid type for parameter Tags.abc, value: x, type: <class 'str'>, valid types: <class 'int'>
        Invalid number of parameters set for tagged union structure Choice. Can only set one of the following keys: A, B.
        Unknown parameter in Choice: "C", must be one of: A, B
        Invalid length for parameter Choice.A, value: 1, valid min length: 2
        "#);
        let err = validate(&json!({"Id": "", "Name": "ab", "Choice": {}, "Tags": {}}), &INPUT).unwrap_err();
        let kinds: Vec<_> = err.problems().iter().map(|p| (p.kind, p.name.as_str())).collect();
        assert_eq!(
            kinds,
            [(ProblemKind::UriLabel, "Id"), (ProblemKind::UnionEmpty, "Choice"), (ProblemKind::MapLengthMin, "Tags"),]
        );
        assert_eq!(err.botocore_report(), "Must set one of the following keys for tagged unionstructure Choice: A, B.");
    }

    #[test]
    fn top_level_type() {
        assert_eq!(
            check(json!([1, "a"])),
            "Invalid type for parameter input, value: [1, 'a'], type: <class 'list'>, valid types: <class 'dict'>"
        );
        assert_eq!(
            check(Value::Null),
            "Invalid type for parameter input, value: None, type: <class 'NoneType'>, valid types: <class 'dict'>"
        );
    }

    #[test]
    fn repr_like_python() {
        // Expected texts are Python's repr() of json.loads of the same JSON.
        let cases = [
            (
                json!({"a": [1, "x'y", null, true, 1.5e20, {"q": "\"'"}]}),
                r#"{'a': [1, "x'y", None, True, 1.5e+20, {'q': '"\''}]}"#,
            ),
            (json!("a\nb\t\\é\u{a0}\u{200b}\u{1F600}\u{7}\u{7f}"), r"'a\nb\t\\é\xa0\u200b😀\x07\x7f'"),
            (json!([]), "[]"),
            (json!({}), "{}"),
            (json!([-0.0, 1e-5, 100.0, -3]), "[-0.0, 1e-05, 100.0, -3]"),
        ];
        for (v, want) in cases {
            assert_eq!(python_repr(&v), want);
        }
        assert_eq!(python_str(&json!("it's")), "it's");
        assert_eq!(python_type(&json!(1.0)), "<class 'float'>");
    }

    #[test]
    fn timestamps_are_read_by_the_timestamp_module() {
        assert_eq!(check(json!({"Id": "x", "Name": "ab", "When": "Jan 3 2020 10:00 PM"})), "");
        assert_eq!(check(json!({"Id": "x", "Name": "ab", "When": 1.5e9})), "");
        assert_eq!(
            check(json!({"Id": "x", "Name": "ab", "When": "today"})),
            "Invalid type for parameter When, value: today, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"
        );
    }

    #[test]
    fn length_counts_characters() {
        assert_eq!(check(json!({"Id": "x", "Name": "éé"})), "");
        assert_eq!(
            check(json!({"Id": "x", "Name": "😀"})),
            "Invalid length for parameter Name, value: 1, valid min length: 2"
        );
    }
}
