//! `--output yaml` / `yaml-stream`: the AWS CLI v2's `YAMLDumper` (`awscli/formatter.py`):
//! scalars are printed as JSON (`json.dumps(ensure_ascii=False)`); lists and maps go through
//! `ruamel.yaml`'s safe dumper, whose libyaml emitter lives in connect-core
//! ([`connect_core::compat::yaml_dump`]).

use connect_core::compat::yaml_dump;
use serde_json::Value;

/// The YAML document of a value, as `--output yaml` prints it.
pub fn render(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) => yaml_dump::dump(value),
        scalar => super::json::render(scalar),
    }
}
