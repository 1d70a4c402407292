//! Fuzzes the shorthand parser: any UTF-8 input either parses into a map or fails with an error
//! whose text can be rendered; `@=` file references are refused without touching the disk.
#![no_main]

use connect_core::input::paramfile::ParamFileError;
use connect_core::input::shorthand::{self, Node, ParamFiles};
use libfuzzer_sys::fuzz_target;

struct RefuseFiles;

impl ParamFiles for RefuseFiles {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        if value.starts_with("file://") || value.starts_with("fileb://") {
            Err(ParamFileError::Io { uri: value.to_owned(), reason: "refused".to_owned() })
        } else {
            Ok(None)
        }
    }
}

fuzz_target!(|text: &str| {
    match shorthand::parse(text, &RefuseFiles) {
        Ok(node) => {
            assert!(matches!(node, Node::Map(_)));
            let _ = node.to_json().to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
