//! Fuzzes JSON parameters: `json_loads::parse` on any UTF-8 input, then `input::param_value` for every
//! top-level member of the first operation, with validation of what parses.
#![no_main]

use connect_core::generated::SERVICE;
use connect_core::input::paramfile::ParamFileError;
use connect_core::input::shorthand::{Node, ParamFiles};
use connect_core::compat::json_loads;
use connect_core::input::{self, validate};
use libfuzzer_sys::fuzz_target;

struct RefuseFiles;

impl ParamFiles for RefuseFiles {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        Err(ParamFileError::Io { uri: value.to_owned(), reason: "refused".to_owned() })
    }
}

fuzz_target!(|text: &str| {
    match json_loads::parse(text) {
        Ok(value) => {
            let _ = value.to_string();
        }
        Err(e) => {
            assert!(e.pos <= text.chars().count());
            let _ = e.to_string();
        }
    }
    // A single value naming a file is read by param_value itself: keep the fuzzer off the disk.
    if text.starts_with("file") {
        return;
    }
    let Some(shape) = SERVICE.operations().next().and_then(|op| op.input()) else { return };
    for member in shape.members() {
        if let Ok(value) = input::param_value(member, &[text.to_owned()], &RefuseFiles) {
            if let Err(e) = validate::validate(&value, member.target()) {
                let _ = e.to_string();
            }
        }
    }
});
