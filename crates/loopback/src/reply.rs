//! Scripted replies and how they are written on the wire.

use std::io::{self, Write};
use std::time::Duration;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
    pub(crate) close: bool,
    pub(crate) reset: bool,
}

impl Reply {
    /// `status` with a JSON body (`Content-Type: application/json`).
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::empty(status).header("Content-Type", "application/json").body(body.into().into_bytes())
    }

    /// A restJson1 error: `X-Amzn-ErrorType: code` and the body `{"message": message}`.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(status, format!("{{\"message\": {}}}", json_string(message))).header("X-Amzn-ErrorType", code)
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new(), delay: Duration::ZERO, close: false, reset: false }
    }

    /// `reply`, sent after waiting `delay` (for read-timeout tests).
    pub fn delay(delay: Duration, reply: Reply) -> Reply {
        Reply { delay: reply.delay + delay, ..reply }
    }

    /// Closes the connection after reading the request, without answering.
    pub fn close() -> Reply {
        Reply { close: true, ..Reply::empty(0) }
    }

    /// Resets the connection (a TCP RST: `SO_LINGER` 0, then close) after reading the request,
    /// without answering.
    pub fn reset() -> Reply {
        Reply { reset: true, ..Reply::empty(0) }
    }

    /// Adds a response header (after `Content-Length`, in call order).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }
}

pub(crate) fn write_response(writer: &mut impl Write, reply: &Reply, keep_alive: bool, head: bool) -> io::Result<()> {
    let mut out =
        format!("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", reply.status, reason(reply.status), reply.body.len());
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(if keep_alive { "Connection: keep-alive\r\n\r\n" } else { "Connection: close\r\n\r\n" });
    let mut out = out.into_bytes();
    if !head {
        out.extend_from_slice(&reply.body);
    }
    writer.write_all(&out)?;
    writer.flush()
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A JSON string literal.
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
