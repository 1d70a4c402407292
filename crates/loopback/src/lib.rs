//! A loopback HTTP/1.1 server for the end-to-end tests, the demo and the benchmarks: it answers with scripted replies, records
//! every request as sent and checks its SigV4 signature the way the service would.
//!
//! ```text
//! let server = Server::start(vec![Reply::error(429, "ThrottlingException", "Rate exceeded"), Reply::empty(200)]);
//! let run = env.run(&["--endpoint-url", &server.url(), "update-user-identity-info", ...]);
//! let requests = server.requests();
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[1].signature, SigCheck::Verified);
//! assert_eq!(requests[1].target, "/users/i-1/u-1/identity-info");
//! ```
//!
//! - Replies are taken from the script in order; the last one repeats (an empty script answers
//!   `200` with no body). A reply can wait first ([`Reply::delay`]), or close the connection without
//!   answering ([`Reply::close`]) or reset it ([`Reply::reset`]).
//! - HTTP/1.1 with keep-alive (the client may send several requests on one connection), bodies
//!   framed by `Content-Length` or `Transfer-Encoding: chunked`, `Expect: 100-continue`,
//!   `Connection: close`. Every response carries `Content-Length`.
//! - Each request is recorded before it is answered (so requests that time out are still seen),
//!   with its SigV4 check ([`SigCheck`]), computed by re-signing the received request with
//!   `aws-sigv4` and the test credentials ([`ACCESS_KEY_ID`], [`SECRET_ACCESS_KEY`]).
//! - Dropping the server stops it: open connections are shut down, delayed replies abandoned.

/// The access key id the server accepts (the AWS documentation's example key).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret key the server signs with.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The default region of the credential scope.
pub const REGION: &str = "us-east-1";
/// The default signing name of the credential scope.
pub const SERVICE: &str = "connect";

pub(crate) const MAX_HEAD: usize = 64 * 1024;
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;

mod capture;
mod http;
mod reply;
mod server;
pub mod sigv4;
#[cfg(test)]
mod tests;

pub use capture::{Captured, Header, SigCheck};
pub use reply::Reply;
pub use server::{Builder, Server};
pub use sigv4::signing_settings;
