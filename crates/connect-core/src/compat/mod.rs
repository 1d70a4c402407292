//! The AWS CLI's Python underneath, reproduced where users see it: Python's `repr()` and number
//! conversions in messages, `json.dumps` for output, `json.loads` with its error messages,
//! timestamps as botocore (with `dateutil`) reads and writes them, and YAML as libyaml's emitter
//! writes it.

pub mod json_dumps;
pub mod json_loads;
pub mod repr;
pub mod timestamp;
pub mod yaml_dump;
