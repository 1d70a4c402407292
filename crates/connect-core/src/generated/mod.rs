//! The Connect API as generated from `models/connect.json` by `cargo xtask codegen`, and the AWS
//! partition table the endpoint rules use, generated from `models/partitions.json`, and Connect's
//! documented API throttling quotas, generated from `models/quotas.json`.
//!
//! This file is hand-written; the files it includes are generated. Run `cargo xtask codegen` after
//! changing the model, and `cargo xtask codegen --check` to see whether they are current.

// prettyplease formats these files; rustfmt would format them differently.
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod partitions;
#[rustfmt::skip]
pub mod quotas;
#[rustfmt::skip]
pub mod service;
#[rustfmt::skip]
pub mod shapes;
#[rustfmt::skip]
pub mod types;

pub use service::SERVICE;
