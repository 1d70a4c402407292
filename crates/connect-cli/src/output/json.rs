//! `--output json`: `json.dumps(response, indent=4, ensure_ascii=False)` and a newline.

use connect_core::compat::json_dumps::{Style, to_pretty};
use serde_json::Value;

pub fn render(value: &Value) -> String {
    to_pretty(value, Style { ensure_ascii: false })
}
