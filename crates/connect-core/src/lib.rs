//! connect-core: the model-driven runtime of aws-connect.
//!
//! It knows nothing about any particular operation: everything operation-specific comes from the
//! tables in [`generated`], which `cargo xtask codegen` writes from the Smithy model. This crate
//! has no command-line parsing and prints nothing.

#![warn(missing_docs)]

pub mod call;
pub mod compat;
// The generated code has no documentation of its own beyond its modules' (the model's documents
// each shape and operation, which their accessors return).
#[allow(missing_docs)]
pub mod generated;
pub mod input;
pub mod model;
pub mod schema;
pub mod skeleton;
pub mod value;
pub mod wire;
