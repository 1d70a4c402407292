//! What the server records of each request: the request as received and its SigV4 check.

/// The outcome of checking a request's SigV4 `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigCheck {
    /// The signature is the one the server computes for the received request.
    Verified,
    /// The request has no `Authorization` header.
    Missing,
    /// Why the signature was refused.
    Invalid(String),
}

/// A request header as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The name, lowercased.
    pub name: String,
    /// The name as sent.
    pub original: String,
    /// The value without surrounding spaces and tabs.
    pub value: String,
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Captured {
    /// Which TCP connection carried it, counted from 0 in accept order (equal numbers: reuse).
    pub connection: usize,
    pub method: String,
    /// The request target (path and query) exactly as sent.
    pub target: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// The headers in order.
    pub headers: Vec<Header>,
    /// The body, de-chunked when it was sent chunked.
    pub body: Vec<u8>,
    pub signature: SigCheck,
}

#[allow(dead_code)]
impl Captured {
    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
    }

    /// The values of every header called `name` (any case), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_str()).collect()
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(path, _)| path)
    }

    /// The query part of the target, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The body as UTF-8 (panics otherwise).
    pub fn body_text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("request body is UTF-8")
    }
}
