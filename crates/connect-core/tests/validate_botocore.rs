//! Oracle test: `connect_core::input::validate` against botocore's `ParamValidator` on the same inputs.
//!
//! All cases go to ONE Python process (as JSON on stdin; the reports come back as JSON), which
//! parses them with `json.loads` and validates them with botocore. The test fails, never skips,
//! when python3 or botocore is missing: CI installs them.
//!
//! Our own checks (max length, max range, enum values, URI labels, map lengths) are not botocore's:
//! the comparison uses [`ValidationErrors::botocore_report`], and the extra problems are asserted
//! separately.

use std::io::Write as _;
use std::process::{Command, Stdio};

use connect_core::generated::shapes::UpdateUserIdentityInfoRequest;
use connect_core::input::validate::{ProblemKind, ValidationErrors, validate};
use connect_core::model::{EnumValue, Kind, Location, Member, Shape, TimestampFormat};
use serde_json::{Value, json};

/// Validates every case with botocore against the input of `operation` of the installed
/// `connect` model, or against `shapes` (a botocore JSON shape map whose input shape is `In`).
const ORACLE: &str = r#"
import json, sys
import botocore.session
from botocore.model import ShapeResolver
from botocore.validate import ParamValidator
request = json.load(sys.stdin)
if request["shapes"] is None:
    model = botocore.session.get_session().get_service_model("connect")
    shape = model.operation_model(request["operation"]).input_shape
else:
    shape = ShapeResolver(request["shapes"]).get_shape_by_name("In")
out = []
for case in request["cases"]:
    params = json.loads(case)
    try:
        out.append(ParamValidator().validate(params, shape).generate_report())
    except Exception as e:
        out.append("EXCEPTION %s" % type(e).__name__)
json.dump(out, sys.stdout)
"#;

fn botocore_reports(operation: &str, shapes: Value, cases: &[Value]) -> Vec<String> {
    // Cases travel as JSON text so that Python parses each one exactly as `json.loads` would.
    let texts: Vec<String> = cases.iter().map(Value::to_string).collect();
    let request = json!({"operation": operation, "shapes": shapes, "cases": texts});
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with botocore is needed: pip install -r .ci/requirements.txt (.ci/run does)");
    child.stdin.take().expect("stdin").write_all(request.to_string().as_bytes()).expect("write cases");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(
        out.status.success(),
        "the botocore oracle failed (pip install -r .ci/requirements.txt; .ci/run does):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<String> = serde_json::from_slice(&out.stdout).expect("the oracle writes a JSON list");
    assert_eq!(reports.len(), cases.len());
    reports
}

fn ours(input: &Value, shape: &'static Shape) -> Result<(), ValidationErrors> {
    validate(input, shape)
}

fn compare(operation: &str, shapes: Value, shape: &'static Shape, cases: &[Value]) {
    let reports = botocore_reports(operation, shapes, cases);
    // Guard against an oracle that reports nothing: both outcomes must occur.
    assert!(reports.iter().any(String::is_empty) && reports.iter().any(|r| r.starts_with("Invalid type")));
    assert!(!reports.iter().any(|r| r.starts_with("EXCEPTION")), "botocore raised: {reports:?}");
    if std::env::var_os("VALIDATE_ORACLE_DUMP").is_some() {
        for (case, report) in cases.iter().zip(&reports) {
            eprintln!("{case}\n=> {report:?}");
        }
    }
    let mut failures = Vec::new();
    for (case, theirs) in cases.iter().zip(&reports) {
        let mine = match ours(case, shape) {
            Ok(()) => String::new(),
            Err(e) => e.botocore_report(),
        };
        if &mine != theirs {
            failures.push(format!("input: {case}\n  botocore: {theirs:?}\n  ours:     {mine:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// A valid request with `value` put at `path` (a `/`-separated member path; empty for the whole
/// input).
fn with(path: &str, value: &Value) -> Value {
    if path.is_empty() {
        return value.clone();
    }
    let mut input = json!({"InstanceId": "inst-1", "UserId": "user-1", "IdentityInfo": {"FirstName": "Ana"}});
    let mut at = &mut input;
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        at = &mut at[*part];
    }
    at[parts[parts.len() - 1]] = value.clone();
    input
}

fn identity_cases() -> Vec<Value> {
    let values = [
        json!(5),
        json!(-12345678901234i64),
        json!(5.0),
        json!(1.5e20),
        json!(1e-7),
        json!(true),
        json!(false),
        json!(null),
        json!(""),
        json!("x"),
        json!("it's \"quoted\" \\ back"),
        json!("new\nline\ttab é ñ 😀 \u{a0}\u{200b}\u{7}"),
        json!([]),
        json!(["a", 1, null, true, 2.5]),
        json!({}),
        json!({"a": 1, "b": ["x'y", {"c": null}]}),
        json!(["new\nline\r é ñ 😀 \u{a0}\u{200b}\u{7}\u{7f}\u{85}", {"k'": "\u{ad}\u{2028}\u{feff}\u{e000}"}]),
    ];
    let paths = [
        "",
        "InstanceId",
        "UserId",
        "IdentityInfo",
        "IdentityInfo/FirstName",
        "IdentityInfo/LastName",
        "IdentityInfo/Email",
        "IdentityInfo/SecondaryEmail",
        "IdentityInfo/Mobile",
    ];
    let mut cases = Vec::new();
    for path in paths {
        for value in &values {
            cases.push(with(path, value));
        }
    }
    cases.extend([
        // Valid inputs.
        json!({"InstanceId": "i", "UserId": "u", "IdentityInfo": {}}),
        json!({"InstanceId": "i", "UserId": "u", "IdentityInfo": {"FirstName": "", "LastName": "", "Email": "", "SecondaryEmail": "", "Mobile": ""}}),
        json!({"IdentityInfo": {"Mobile": "+15555550100", "Email": "a@b.c"}, "UserId": "u", "InstanceId": "i"}),
        json!({"InstanceId": "x".repeat(100), "UserId": "u", "IdentityInfo": {"FirstName": "é".repeat(255)}}),
        // Missing members.
        json!({}),
        json!({"IdentityInfo": {}}),
        json!({"UserId": "u"}),
        json!({"InstanceId": "i", "IdentityInfo": {}}),
        json!({"InstanceId": "i", "UserId": "u"}),
        // Unknown members, at both levels, with other problems.
        json!({"InstanceId": "i", "UserId": "u", "IdentityInfo": {}, "Foo": 1}),
        json!({"Foo": 1, "Bar": {"x": 1}, "instanceid": "i"}),
        json!({"InstanceId": "i", "UserId": "u", "IdentityInfo": {"firstName": "a", "Phone": "+1", "FirstName": 3}}),
        json!({"instanceId": "", "UserId": null, "IdentityInfo": {"Foo": "x", "LastName": ["a"], "Email": {"a": "b"}}}),
        // Min length and max length together (botocore reports only the min).
        json!({"InstanceId": "", "UserId": "", "IdentityInfo": {"FirstName": "x".repeat(256), "LastName": "y".repeat(301)}}),
        json!({"InstanceId": "😀".repeat(101), "UserId": ".", "IdentityInfo": {"Mobile": 15555550100u64}}),
        // Several problems in one input, to pin botocore's order.
        json!({"IdentityInfo": {"Mobile": 1, "Foo": 2, "FirstName": null}, "Bar": 3, "InstanceId": 4}),
    ]);
    cases
}

#[test]
fn update_user_identity_info_matches_botocore() {
    let cases = identity_cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    compare("UpdateUserIdentityInfo", Value::Null, &UpdateUserIdentityInfoRequest, &cases);
}

/// The problems botocore does not report, on the same shape.
#[test]
fn update_user_identity_info_our_additions() {
    let input = json!({"InstanceId": "", "UserId": "..", "IdentityInfo": {"FirstName": "x".repeat(256), "LastName": "é".repeat(301)}});
    let err = validate(&input, &UpdateUserIdentityInfoRequest).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @r#"
    Invalid length for parameter InstanceId, value: 0, valid min length: 1
    Invalid value for parameter InstanceId, value: , a URI label cannot be empty, "." or ".."
    Invalid value for parameter UserId, value: .., a URI label cannot be empty, "." or ".."
    Invalid length for parameter IdentityInfo.FirstName, value: 256, valid max length: 255
    Invalid length for parameter IdentityInfo.LastName, value: 301, valid max length: 300
    "#);
    let ours: Vec<_> = err.problems().iter().filter(|p| !p.is_botocore()).map(|p| (p.kind, p.name.as_str())).collect();
    assert_eq!(
        ours,
        [
            (ProblemKind::UriLabel, "InstanceId"),
            (ProblemKind::UriLabel, "UserId"),
            (ProblemKind::LengthMax, "IdentityInfo.FirstName"),
            (ProblemKind::LengthMax, "IdentityInfo.LastName"),
        ]
    );
    assert_eq!(err.botocore_report(), "Invalid length for parameter InstanceId, value: 0, valid min length: 1");

    let input = json!({"InstanceId": "x".repeat(101), "UserId": ".", "IdentityInfo": {}});
    insta::assert_snapshot!(validate(&input, &UpdateUserIdentityInfoRequest).unwrap_err().to_string(), @r#"
    Invalid length for parameter InstanceId, value: 101, valid max length: 100
    Invalid value for parameter UserId, value: ., a URI label cannot be empty, "." or ".."
    "#);
    // Labels that merely contain dots are fine.
    assert!(
        validate(&json!({"InstanceId": "a.b", "UserId": "...", "IdentityInfo": {}}), &UpdateUserIdentityInfoRequest)
            .is_ok()
    );
}

// A synthetic model covering the shape kinds UpdateUserIdentityInfo lacks, written both as our
// static shapes and as botocore's JSON shapes.

static STR: Shape = Shape::new("Str", Kind::String).with_length(Some(2.0), Some(4.0));
static INT: Shape = Shape::new("Int", Kind::Integer).with_range(Some(1.0), Some(10.0));
static LONG: Shape = Shape::new("Lng", Kind::Long);
static DBL: Shape = Shape::new("Dbl", Kind::Double).with_range(Some(0.5), None);
static FLT: Shape = Shape::new("Flt", Kind::Float);
// Bounds the model writes as decimals (as Connect's proficiency levels): botocore prints `1.0`.
static DEC: Shape = Shape::new("Dec", Kind::Float).with_range(Some(1.0), Some(5.0)).with_decimal_bounds();
static BOOL: Shape = Shape::new("Bool", Kind::Boolean);
static TS: Shape = Shape::new("Ts", Kind::Timestamp(TimestampFormat::Default));
static LST: Shape = Shape::new("Lst", Kind::List(&STR)).with_length(Some(1.0), None);
static PLAIN_INT: Shape = Shape::new("PlainInt", Kind::Integer);
static INT_LIST: Shape = Shape::new("IntList", Kind::List(&PLAIN_INT));
static MP: Shape = Shape::new("Mp", Kind::Map { key: &STR, value: &INT }).with_length(Some(1.0), None);
static UN: Shape = Shape::new("Un", Kind::Union(&[Member::new("A", "a", &STR), Member::new("B", "b", &INT)]));
static EN: Shape = Shape::new("En", Kind::Enum(&[EnumValue::new("X", "X"), EnumValue::new("Y", "Y")]));
static NESTED: Shape = Shape::new(
    "Nested",
    Kind::Structure(&[Member::new("S", "s", &STR).with_required(), Member::new("Items", "items", &NESTED_LIST)]),
);
static NESTED_LIST: Shape = Shape::new("NestedList", Kind::List(&NESTED));
static IN: Shape = Shape::new(
    "In",
    Kind::Structure(&[
        Member::new("S", "s", &STR).with_required(),
        Member::new("I", "i", &INT),
        Member::new("G", "g", &LONG),
        Member::new("F", "f", &DBL),
        Member::new("R", "r", &FLT),
        Member::new("D", "d", &DEC),
        Member::new("B", "b", &BOOL),
        Member::new("T", "t", &TS),
        Member::new("L", "l", &LST),
        Member::new("LI", "li", &INT_LIST),
        Member::new("M", "m", &MP),
        Member::new("U", "u", &UN),
        Member::new("E", "e", &EN),
        Member::new("N", "n", &NESTED).with_location(Location::Body),
    ]),
);

fn synthetic_botocore_shapes() -> Value {
    json!({
        "In": {"type": "structure", "required": ["S"], "members": {
            "S": {"shape": "Str"}, "I": {"shape": "Int"}, "G": {"shape": "Lng"}, "F": {"shape": "Dbl"},
            "R": {"shape": "Flt"}, "D": {"shape": "Dec"}, "B": {"shape": "Bool"}, "T": {"shape": "Ts"}, "L": {"shape": "Lst"},
            "LI": {"shape": "IntList"}, "M": {"shape": "Mp"}, "U": {"shape": "Un"}, "E": {"shape": "En"},
            "N": {"shape": "Nested"}}},
        "Str": {"type": "string", "min": 2, "max": 4},
        "Int": {"type": "integer", "min": 1, "max": 10},
        "Lng": {"type": "long"},
        "Dbl": {"type": "double", "min": 0.5},
        "Flt": {"type": "float"},
        "Dec": {"type": "float", "min": 1.0, "max": 5.0},
        "Bool": {"type": "boolean"},
        "Ts": {"type": "timestamp"},
        "Lst": {"type": "list", "member": {"shape": "Str"}, "min": 1},
        "PlainInt": {"type": "integer"},
        "IntList": {"type": "list", "member": {"shape": "PlainInt"}},
        "Mp": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Int"}, "min": 1},
        "Un": {"type": "structure", "union": true, "members": {"A": {"shape": "Str"}, "B": {"shape": "Int"}}},
        "En": {"type": "string", "enum": ["X", "Y"]},
        "Nested": {"type": "structure", "required": ["S"], "members": {"S": {"shape": "Str"}, "Items": {"shape": "NestedList"}}},
        "NestedList": {"type": "list", "member": {"shape": "Nested"}},
    })
}

#[test]
fn synthetic_shapes_match_botocore() {
    let mut cases = vec![
        json!({"S": "ab", "I": true, "G": false, "F": true, "R": 1, "B": true, "T": true}),
        json!({"S": "ab", "I": false, "F": 0.25, "R": "1.5", "G": 1.0, "B": 0}),
        json!({"S": "ab", "I": 0, "F": 0, "G": -99999999999999i64, "B": null}),
        json!({"S": "ab", "I": 0.0, "F": "1", "E": "Z"}),
        json!({"S": "ab", "D": 0.5}),
        json!({"S": "ab", "D": 0}),
        json!({"S": "ab", "D": 5.5}),
        json!({"S": "ab", "U": {}}),
        json!({"S": "ab", "U": {"A": "x", "B": 1, "C": null}}),
        json!({"S": "ab", "U": {"C": 1}}),
        json!({"S": "ab", "U": {"B": null}}),
        json!({"S": "ab", "U": []}),
        json!({"S": "ab", "M": {}}),
        json!({"S": "ab", "M": {"k": 0, "abcdef": "x", "abc": null}}),
        json!({"S": "ab", "M": []}),
        json!({"S": "ab", "L": []}),
        json!({"S": "ab", "L": ["a", 5, null, ["x"], "abcde"]}),
        json!({"S": "ab", "L": "ab"}),
        json!({"S": "ab", "LI": [1, true, 1.5, "x", null, -3]}),
        json!({"S": "ab", "N": {"Items": [{"S": "a"}, {}, {"S": "ab", "Items": [{"X": 1}]}, 3]}}),
        json!({"S": {"a": [1, "x'y", null, true, 1.5e20, {"q": "\"'"}]}}),
        json!({"S": "a\nb\u{e9}\u{a0}\u{200b}\u{1F600}\u{7}"}),
        json!([1]),
        json!("x"),
        json!(null),
        json!(3),
    ];
    // Timestamps: what botocore accepts from JSON, within the forms our parser knows.
    for t in [
        json!(0),
        json!(-1),
        json!(1.5e9),
        json!(1e11),
        json!(1e12),
        json!(-1e11),
        json!("1577836800"),
        json!(" 3 "),
        json!("1_000"),
        json!("-2.5e3"),
        json!("nan"),
        json!("2020-01-01"),
        json!("2020-01-31T10:00:00Z"),
        json!("2020-01-31T10:00:00.123456+01:00"),
        json!("2020-01-31 10:00:00"),
        json!("20200131T100000Z"),
        json!("Wed, 01 Jan 2020 00:00:00 GMT"),
        json!("Jan 3 2020"),
        json!("3 Jan 2020"),
        json!("January 3, 2020 10:30 PM"),
        json!("2020/02/29"),
        json!("02/29/2020"),
        json!("12:30"),
        json!("12:30:59.5"),
        json!(""),
        json!(" "),
        json!("today"),
        json!("x"),
        json!("2020-13-01"),
        json!("2021-02-29"),
        json!("2020-01-32"),
        json!("25:00"),
        json!("12:60"),
        json!(null),
        json!([1]),
        json!({"a": 1}),
    ] {
        cases.push(json!({"S": "ab", "T": t}));
    }
    compare("", synthetic_botocore_shapes(), &IN, &cases);
}

#[test]
fn synthetic_additions() {
    let input = json!({"S": "abcde", "I": 11, "E": "Z", "M": {}, "L": ["ab"]});
    insta::assert_snapshot!(validate(&input, &IN).unwrap_err().to_string(), @r"
    Invalid length for parameter S, value: 5, valid max length: 4
    Invalid value for parameter I, value: 11, valid max value: 10
    Invalid value for parameter E, value: Z, valid values: X, Y
    Invalid length for parameter M, value: 0, valid min length: 1
    ");
    // Epoch values Python's datetime cannot hold: botocore raises RuntimeError; we call them invalid.
    insta::assert_snapshot!(validate(&json!({"S": "ab", "T": 1e20}), &IN).unwrap_err().to_string(), @"Invalid type for parameter T, value: 1e+20, type: <class 'float'>, valid types: <class 'datetime.datetime'>, timestamp-string");
}
