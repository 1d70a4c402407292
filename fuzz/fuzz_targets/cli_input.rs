//! Fuzzes `--cli-input-json` and `--cli-input-yaml`: any UTF-8 document is read as JSON and as
//! YAML for every operation; documents that parse are validated, and valid ones serialized into a
//! request whose target needs no further escaping.
#![no_main]

use connect_core::generated::SERVICE;
use connect_core::input::{self, CliInputFormat};
use connect_core::input::validate;
use connect_core::wire::rest_json;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|text: &str| {
    // A document naming a file is read from the disk: keep the fuzzer off it.
    if text.starts_with("file") {
        return;
    }
    for format in [CliInputFormat::Json, CliInputFormat::Yaml] {
        let Ok(document) = input::cli_input(format, text) else { continue };
        for op in SERVICE.operations() {
            let Some(shape) = op.input() else { continue };
            let doc = Value::Object(document.clone());
            match validate::validate(&doc, shape) {
                Err(e) => {
                    let _ = e.to_string();
                }
                Ok(()) => {
                    if let Ok(request) = rest_json::serialize(op, &document) {
                        let clean =
                            request.target.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/?=&%".contains(&b));
                        assert!(clean, "unescaped target {:?}", request.target);
                    }
                }
            }
        }
    }
});
