//! Fuzzes every output format of the CLI (`json`, `text`, `table`, `yaml`, `yaml-stream`) over any
//! JSON document; the first byte picks the table's terminal width (its low bit: colour or not). A document the AWS CLI's
//! formatter fails on must give an error with a message, never a panic.
#![no_main]

use connect_cli::output::{self, Format};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let [width, rest @ ..] = data else { return };
    let Ok(value) = serde_json::from_slice::<Value>(rest) else { return };
    for format in [Format::Json, Format::Text, Format::Table, Format::Yaml, Format::YamlStream, Format::Off] {
        let terminal = output::Terminal {
            width: usize::from(*width >> 1),
            color: *width & 1 == 1,
            reset_after_writes: *width & 1 == 1,
        };
        match output::try_render(format, &value, "FuzzOperation", &terminal) {
            Ok(text) => {
                if format == Format::Json && !text.is_empty() {
                    // The JSON output reads back as the same document (an empty object prints
                    // nothing, as in the AWS CLI).
                    let back: Value = serde_json::from_str(&text).expect("json output is JSON");
                    assert_eq!(back, value);
                }
            }
            Err(e) => assert!(!e.message.is_empty(), "{format:?} failed without a message"),
        }
        let _ = output::render(format, &value, "FuzzOperation");
    }
});
