//! connect-core: the model-driven runtime of aws-connect.
//!
//! It knows nothing about any particular operation: everything operation-specific comes from the
//! tables in [`generated`], which `cargo xtask codegen` writes from the Smithy model. This crate
//! has no command-line parsing and prints nothing.

pub mod client;
pub mod endpoint;
pub mod generated;
pub mod input;
mod insecure;
pub mod json;
pub mod model;
pub mod paginate;
pub mod paramfile;
pub mod proxy;
pub mod pyjson;
pub mod python;
pub mod rest_json;
pub mod schema;
pub mod shorthand;
pub mod skeleton;
pub mod validate;
pub mod value;
pub mod yaml;
