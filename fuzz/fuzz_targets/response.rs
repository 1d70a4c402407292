//! Fuzzes response parsing: for an operation chosen by the first two bytes, the rest is a status
//! byte, header lines (`name: value`, up to a blank line) and an arbitrary body, read by
//! `rest_json::parse_output` and `rest_json::parse_error`, then redacted as `--debug` shows it.
#![no_main]

use connect_core::generated::SERVICE;
use connect_core::wire::rest_json;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let [a, b, status, rest @ ..] = data else { return };
    let op = SERVICE.operations().nth(usize::from(u16::from_le_bytes([*a, *b])) % SERVICE.operations().len()).unwrap();
    let status = 200 + u16::from(*status) * 2;
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (&[][..], rest),
    };
    let headers: Vec<(String, String)> = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();

    match rest_json::parse_output(op, &headers, body) {
        Ok(doc) => {
            let doc = Value::Object(doc);
            if let Some(shape) = op.output() {
                let _ = rest_json::redact(shape, &doc).to_string();
                // What the parser gives back reads the same a second time.
                let again = rest_json::output_value(shape, &doc);
                let _ = again.to_string();
            }
        }
        Err(message) => assert!(!message.is_empty()),
    }
    let error = rest_json::parse_error(op, status, &headers, body);
    assert!(!error.code.is_empty(), "an error always has a code");
    assert_eq!(error.code, error.code.trim());
    let _ = format!("{error:?}");
});
