//! Reading HTTP/1.1 requests: request line, header fields, `Content-Length` and chunked bodies,
//! `Expect: 100-continue`, with limits on sizes.

use std::io::{self, BufRead, Read, Write};

use crate::capture::*;
use crate::*;

pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) version: String,
    pub(crate) headers: Vec<Header>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 only with `keep-alive`.
    pub(crate) fn keep_alive(&self) -> bool {
        let has = |token: &str| {
            self.headers
                .iter()
                .filter(|h| h.name == "connection")
                .flat_map(|h| h.value.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if self.version == "HTTP/1.0" { has("keep-alive") } else { !has("close") }
    }
}

/// Why no request could be read: the connection failed, or the bytes were not HTTP/1.1.
pub(crate) enum Malformed {
    Io,
    Http(String),
}

impl From<io::Error> for Malformed {
    fn from(_: io::Error) -> Malformed {
        Malformed::Io
    }
}

pub(crate) fn http_error<T>(message: impl Into<String>) -> Result<T, Malformed> {
    Err(Malformed::Http(message.into()))
}

/// Reads one line including its terminator; an empty vector at the end of the stream.
pub(crate) fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<Vec<u8>, Malformed> {
    let mut line = Vec::new();
    reader.by_ref().take(*budget as u64 + 1).read_until(b'\n', &mut line)?;
    if line.len() > *budget {
        return http_error("request head too large");
    }
    *budget -= line.len();
    Ok(line)
}

pub(crate) fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads one request; `None` when the client closed the connection between requests.
pub(crate) fn read_request(reader: &mut impl BufRead, writer: &mut impl Write) -> Result<Option<Request>, Malformed> {
    let mut budget = MAX_HEAD;
    let mut line = read_line(reader, &mut budget)?;
    // RFC 9112 §2.2: ignore empty lines before the request line.
    while line == b"\r\n" || line == b"\n" {
        line = read_line(reader, &mut budget)?;
    }
    if line.is_empty() {
        return Ok(None);
    }
    if !line.ends_with(b"\n") {
        return http_error("connection closed inside the request line");
    }
    let Ok(request_line) = std::str::from_utf8(trim_eol(&line)) else {
        return http_error("request line is not UTF-8");
    };
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return http_error(format!("bad request line {request_line:?}"));
    };
    if method.is_empty() || target.is_empty() || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return http_error(format!("bad request line {request_line:?}"));
    }
    let headers = read_fields(reader, &mut budget)?;
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        body: Vec::new(),
    };
    let values = |name: &str| -> Vec<String> {
        request.headers.iter().filter(|h| h.name == name).map(|h| h.value.clone()).collect()
    };
    if values("expect").iter().any(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        writer.flush()?;
    }
    let transfer_encoding = values("transfer-encoding");
    let content_length = values("content-length");
    request.body = if !transfer_encoding.is_empty() {
        let last = transfer_encoding.join(",").rsplit(',').next().unwrap_or_default().trim().to_ascii_lowercase();
        if last != "chunked" {
            return http_error(format!("unsupported Transfer-Encoding {:?}", transfer_encoding.join(", ")));
        }
        if !content_length.is_empty() {
            return http_error("both Transfer-Encoding and Content-Length");
        }
        read_chunked(reader)?
    } else if let Some(first) = content_length.first() {
        if content_length.iter().any(|v| v != first) {
            return http_error(format!("conflicting Content-Length values {content_length:?}"));
        }
        let Ok(length) = first.parse::<usize>() else {
            return http_error(format!("bad Content-Length {first:?}"));
        };
        if length > MAX_BODY {
            return http_error("body too large");
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).map_err(|_| Malformed::Http("connection closed inside the body".into()))?;
        body
    } else {
        Vec::new()
    };
    Ok(Some(request))
}

/// Reads header (or trailer) fields up to the empty line.
pub(crate) fn read_fields(reader: &mut impl BufRead, budget: &mut usize) -> Result<Vec<Header>, Malformed> {
    let mut fields = Vec::new();
    loop {
        let line = read_line(reader, budget)?;
        if !line.ends_with(b"\n") {
            return http_error("connection closed inside the header section");
        }
        let line = trim_eol(&line);
        if line.is_empty() {
            return Ok(fields);
        }
        let Ok(line) = std::str::from_utf8(line) else {
            return http_error("header line is not UTF-8");
        };
        let Some((name, value)) = line.split_once(':') else {
            return http_error(format!("header line without colon {line:?}"));
        };
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
            return http_error(format!("bad header name {name:?}"));
        }
        fields.push(Header {
            name: name.to_ascii_lowercase(),
            original: name.to_owned(),
            value: value.trim_matches([' ', '\t']).to_owned(),
        });
    }
}

pub(crate) fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, Malformed> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let line = read_line(reader, &mut budget)?;
        let size_line = String::from_utf8_lossy(trim_eol(&line)).into_owned();
        let size = size_line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size, 16) else {
            return http_error(format!("bad chunk size line {size_line:?}"));
        };
        if size == 0 {
            // Trailer fields are read and dropped.
            let mut budget = MAX_HEAD;
            read_fields(reader, &mut budget)?;
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return http_error("body too large");
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|_| Malformed::Http("connection closed inside a chunk".into()))?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf).map_err(|_| Malformed::Http("connection closed after a chunk".into()))?;
        if &crlf != b"\r\n" {
            return http_error("chunk data not followed by CRLF");
        }
    }
}
