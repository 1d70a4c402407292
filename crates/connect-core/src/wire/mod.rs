//! The wire: restJson1 requests and responses, endpoint rules, the client (configuration,
//! connectors, proxies, errors, the `--debug` log) and pagination.

pub mod client;
pub mod endpoint;
mod insecure;
pub mod paginate;
pub mod proxy;
pub mod rest_json;
