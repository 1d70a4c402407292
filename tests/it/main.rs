//! End-to-end tests of the `aws-connect` binary: one test binary, each test running the real
//! executable with a cleared environment and pinning exit code, stdout and stderr.

mod bulk;
mod checks;
mod common;
mod conformance;
mod credentials;
mod debug_log;
mod globals;
mod help;
mod help_facts;
mod hostile;
mod limits;
mod moto;
mod order;
mod paging;
mod pipes;
mod prompt;
mod schema;
mod sigv4_botocore;
mod skeleton;
mod skeletons;
mod table_color;
mod timestamps;
mod tls;
mod transport;
mod wire;
