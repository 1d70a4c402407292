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

use crate::model::{Counts, Tables};

/// The sizes of [`TABLES`], counted from the generated rows.
const COUNTS: Counts = Counts::of(shapes::ROWS, operations::ROWS);

/// The generated shapes and operations as the runtime reads them: compiled from the rows of
/// [`shapes`] and [`operations`] at compile time into tables that hold no pointer, so that the
/// position-independent executable has nothing of them to relocate at start-up (see
/// `model/stored.rs`). A `ShapeId` or `OperationId` is a position in them.
// Constant evaluation of the whole model takes a while (a second or so).
#[allow(long_running_const_eval)]
pub(crate) static TABLES: Tables<
    { COUNTS.strings },
    { COUNTS.shapes },
    { COUNTS.members },
    { COUNTS.enum_values },
    { COUNTS.operations },
    { COUNTS.examples },
    { COUNTS.errors },
> = Tables::compile(shapes::ROWS, operations::ROWS);
