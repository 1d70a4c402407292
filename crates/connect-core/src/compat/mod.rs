//! The AWS CLI's Python underneath, reproduced where users see it: Python's `repr()` and number
//! conversions in messages, `json.dumps` for output, and `json.loads` with its error messages.

pub mod json_dumps;
pub mod json_loads;
pub mod repr;
pub mod timestamp;
