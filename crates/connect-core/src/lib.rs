//! connect-core: the model-driven runtime of aws-connect.
//!
//! It knows nothing about any particular operation: everything operation-specific comes from the
//! tables in [`generated`], which `cargo xtask codegen` writes from the Smithy model. This crate
//! has no command-line parsing and prints nothing.

#![warn(missing_docs)]

pub mod call;
pub mod compat;
pub mod generated;
pub mod input;
pub mod model;
pub mod schema;
pub mod skeleton;
pub mod value;
pub mod wire;
