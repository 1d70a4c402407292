//! Numbers in a response are read exactly (correctly rounded, as Python's `json` reads them for the
//! AWS CLI). Found by the `output` fuzz target: `3.0e45` was read as 2.9999999999999995e45, because
//! serde_json's default float parsing may be one unit in the last place off; the workspace turns on
//! its `float_roundtrip` feature. The oracle is the standard library's correctly rounded `f64`
//! parser, which serde_json does not use.

use connect_core::generated::SERVICE;
use connect_core::model::{Kind, Shape};
use connect_core::wire::rest_json::parse_output;
use serde_json::{Value, json};

/// A path from `shape` to a double, as a function that wraps a number into a document.
fn path_to_double(shape: &'static Shape, depth: usize) -> Option<Box<dyn Fn(Value) -> Value>> {
    if depth > 4 {
        return None;
    }
    match shape.kind() {
        Kind::Double => Some(Box::new(|v| v)),
        Kind::Structure(members) => members.iter().find_map(|m| {
            let inner = path_to_double(m.target(), depth + 1)?;
            let name = m.name();
            Some(Box::new(move |v| json!({ name: inner(v) })) as Box<dyn Fn(Value) -> Value>)
        }),
        Kind::List(element) => {
            let inner = path_to_double(element, depth + 1)?;
            Some(Box::new(move |v| json!([inner(v)])))
        }
        _ => None,
    }
}

/// The number where `wrap` put it.
fn dig(doc: &Value) -> &Value {
    match doc {
        Value::Object(m) => dig(m.values().next().unwrap()),
        Value::Array(a) => dig(&a[0]),
        v => v,
    }
}

#[test]
fn response_numbers_are_read_exactly() {
    let (op, wrap) = SERVICE
        .operations()
        .find_map(|op| Some((op, path_to_double(op.output()?, 0)?)))
        .expect("an operation whose output has a double");
    let mut wrong = Vec::new();
    for text in
        ["3.0e45", "8.98846567431158e307", "2.2250738585072011e-308", "0.1", "123456789.12345679", "9007199254740993.0"]
    {
        // The number is written into the body as the service writes it: as text.
        let body = wrap(json!("@")).to_string().replace("\"@\"", text);
        let doc = Value::Object(parse_output(op, &[], body.as_bytes()).unwrap());
        let want = text.parse::<f64>().unwrap();
        if dig(&doc).as_f64() != Some(want) {
            wrong.push(format!("{text}: read as {}, is {want:?}", dig(&doc)));
        }
    }
    assert!(wrong.is_empty(), "numbers of {} read inexactly:\n{}", op.name(), wrong.join("\n"));
}
