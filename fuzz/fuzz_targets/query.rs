//! Fuzzes `--query`: the bytes up to the first NUL are a JMESPath expression, compiled as the CLI
//! compiles it when it reads its arguments; the rest, when it is JSON, is the response the
//! expression is evaluated on, and the result is printed as JSON and text.
#![no_main]

use connect_cli::output::{self, Format};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let (expr, doc) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{}"[..]),
    };
    let Ok(expr) = std::str::from_utf8(expr) else { return };
    let compiled = output::check_query(expr);
    let Ok(doc) = serde_json::from_slice::<Value>(doc) else { return };
    match output::apply_query(expr, &doc) {
        Ok(result) => {
            assert!(compiled.is_ok(), "an expression that does not compile gave a result");
            let _ = output::render(Format::Json, &result, "FuzzOperation");
            let _ = output::render(Format::Text, &result, "FuzzOperation");
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            assert_eq!(e.evaluation, compiled.is_ok(), "compile errors come from compiling");
        }
    }
});
