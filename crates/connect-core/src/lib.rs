//! connect-core: the model-driven runtime of aws-connect.
//!
//! It knows nothing about any particular operation: everything operation-specific comes from the
//! tables in [`generated`], which `cargo xtask codegen` writes from the Smithy model. This crate
//! has no command-line parsing and prints nothing.

#![warn(missing_docs)]

pub mod call;
pub mod compat;
// The model's runtime tables and the code generated from them are documented with the change of
// their representation under way (issue 12).
#[allow(missing_docs)]
pub mod generated;
pub mod input;
#[allow(missing_docs)]
pub mod model;
pub mod schema;
pub mod skeleton;
pub mod value;
pub mod wire;
