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

use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

/// The access key id the server accepts (the AWS documentation's example key).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The secret key the server signs with.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The default region of the credential scope.
pub const REGION: &str = "us-east-1";
/// The default signing name of the credential scope.
pub const SERVICE: &str = "connect";

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    close: bool,
    reset: bool,
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

/// What the SigV4 check expects: credentials and credential scope.
#[derive(Clone, Debug)]
pub struct Builder {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    service: String,
}

#[allow(dead_code)]
impl Builder {
    /// Expects another key pair.
    pub fn credentials(mut self, access_key_id: &str, secret_access_key: &str) -> Builder {
        self.access_key_id = access_key_id.to_owned();
        self.secret_access_key = secret_access_key.to_owned();
        self
    }

    /// Expects temporary credentials: requests must carry and sign `X-Amz-Security-Token: token`.
    pub fn session_token(mut self, token: &str) -> Builder {
        self.session_token = Some(token.to_owned());
        self
    }

    /// Expects another region in the credential scope.
    pub fn region(mut self, region: &str) -> Builder {
        self.region = region.to_owned();
        self
    }

    /// Expects another signing name in the credential scope.
    pub fn service(mut self, service: &str) -> Builder {
        self.service = service.to_owned();
        self
    }

    /// Listens on `127.0.0.1:0` and serves `script` on a background thread.
    pub fn start(self, script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            verifier: self,
            script: Mutex::new(script.into()),
            requests: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            streams: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            stop_lock: Mutex::new(()),
            stop_signal: Condvar::new(),
            connections: AtomicUsize::new(0),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &accept_shared))
            .expect("spawn server thread");
        Server { addr, shared, accept: Some(accept) }
    }
}

/// A running loopback server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<Vec<JoinHandle<()>>>>,
}

#[allow(dead_code)]
impl Server {
    /// A server expecting the test credentials, `us-east-1` and `connect`.
    pub fn builder() -> Builder {
        Builder {
            access_key_id: ACCESS_KEY_ID.to_owned(),
            secret_access_key: SECRET_ACCESS_KEY.to_owned(),
            session_token: None,
            region: REGION.to_owned(),
            service: SERVICE.to_owned(),
        }
    }

    /// `Server::builder().start(script)`.
    pub fn start(script: Vec<Reply>) -> Server {
        Server::builder().start(script)
    }

    /// `http://127.0.0.1:<port>`, for `--endpoint-url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<Captured> {
        lock(&self.shared.requests).clone()
    }

    /// Malformed requests (the server answered `400` and closed the connection).
    pub fn errors(&self) -> Vec<String> {
        lock(&self.shared.errors).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        {
            let _guard = lock(&self.shared.stop_lock);
            self.shared.stop_signal.notify_all();
        }
        // Wake the accept loop, which then sees `stopping`.
        let _ = TcpStream::connect(self.addr);
        let handlers = self.accept.take().map(|accept| accept.join().unwrap_or_default()).unwrap_or_default();
        for stream in lock(&self.shared.streams).drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for handler in handlers {
            let _ = handler.join();
        }
    }
}

struct Shared {
    verifier: Builder,
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<Captured>>,
    errors: Mutex<Vec<String>>,
    /// Clones of the accepted connections, shut down on drop.
    streams: Mutex<Vec<TcpStream>>,
    stopping: AtomicBool,
    stop_lock: Mutex<()>,
    stop_signal: Condvar,
    connections: AtomicUsize,
}

impl Shared {
    fn next_reply(&self) -> Reply {
        let mut script = lock(&self.script);
        if script.len() > 1 { script.pop_front() } else { script.front().cloned() }.unwrap_or_else(|| Reply::empty(200))
    }

    /// Waits `delay`; false when the server stops meanwhile.
    fn wait(&self, delay: Duration) -> bool {
        let guard = lock(&self.stop_lock);
        let (_guard, _) = self
            .stop_signal
            .wait_timeout_while(guard, delay, |_| !self.stopping.load(Ordering::SeqCst))
            .unwrap_or_else(|e| e.into_inner());
        !self.stopping.load(Ordering::SeqCst)
    }
}

/// Locks, ignoring poisoning (a panicking test must not hide the requests from the others).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) -> Vec<JoinHandle<()>> {
    let mut handlers = Vec::new();
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else { continue };
        lock(&shared.streams).push(clone);
        let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(shared);
        if let Ok(handler) = thread::Builder::new().spawn(move || serve(stream, connection, &shared)) {
            handlers.push(handler);
        }
    }
    handlers
}

/// Serves one connection until the client closes it, asks to close it, or a reply closes it.
fn serve(stream: TcpStream, connection: usize, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(Malformed::Io) => return,
            Err(Malformed::Http(message)) => {
                lock(&shared.errors).push(message.clone());
                let _ = write_response(&mut writer, &Reply::empty(400).body(message), false, false);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        };
        let keep_alive = request.keep_alive();
        let head = request.method == "HEAD";
        let signature = shared.verifier.check(&request.method, &request.target, &request.headers, &request.body);
        lock(&shared.requests).push(Captured {
            connection,
            method: request.method,
            target: request.target,
            version: request.version,
            headers: request.headers,
            body: request.body,
            signature,
        });
        let reply = shared.next_reply();
        if !reply.delay.is_zero() && !shared.wait(reply.delay) {
            return;
        }
        if reply.reset {
            reset(writer, shared);
            return;
        }
        if reply.close || shared.stopping.load(Ordering::SeqCst) {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        if write_response(&mut writer, &reply, keep_alive, head).is_err() || !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Closes `stream` with a TCP RST instead of a FIN: `SO_LINGER` on with a zero timeout, then
/// every descriptor of the socket closed (the caller drops its reading half).
fn reset(stream: TcpStream, shared: &Shared) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: a valid socket descriptor and a `linger` of the size passed.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    let peer = stream.peer_addr().ok();
    lock(&shared.streams).retain(|s| s.peer_addr().ok() != peer);
    drop(stream);
}

struct Request {
    method: String,
    target: String,
    version: String,
    headers: Vec<Header>,
    body: Vec<u8>,
}

impl Request {
    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 only with `keep-alive`.
    fn keep_alive(&self) -> bool {
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
enum Malformed {
    Io,
    Http(String),
}

impl From<io::Error> for Malformed {
    fn from(_: io::Error) -> Malformed {
        Malformed::Io
    }
}

fn http_error<T>(message: impl Into<String>) -> Result<T, Malformed> {
    Err(Malformed::Http(message.into()))
}

/// Reads one line including its terminator; an empty vector at the end of the stream.
fn read_line(reader: &mut impl BufRead, budget: &mut usize) -> Result<Vec<u8>, Malformed> {
    let mut line = Vec::new();
    reader.by_ref().take(*budget as u64 + 1).read_until(b'\n', &mut line)?;
    if line.len() > *budget {
        return http_error("request head too large");
    }
    *budget -= line.len();
    Ok(line)
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Reads one request; `None` when the client closed the connection between requests.
fn read_request(reader: &mut impl BufRead, writer: &mut impl Write) -> Result<Option<Request>, Malformed> {
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
fn read_fields(reader: &mut impl BufRead, budget: &mut usize) -> Result<Vec<Header>, Malformed> {
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

fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, Malformed> {
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

fn write_response(writer: &mut impl Write, reply: &Reply, keep_alive: bool, head: bool) -> io::Result<()> {
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

fn reason(status: u16) -> &'static str {
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
fn json_string(text: &str) -> String {
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

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, String> {
    let Some(rest) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(format!("Authorization is not AWS4-HMAC-SHA256: {value:?}"));
    };
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let slot = match part.split_once('=') {
            Some(("Credential", v)) => (&mut credential, v),
            Some(("SignedHeaders", v)) => (&mut signed_headers, v),
            Some(("Signature", v)) => (&mut signature, v),
            _ => return Err(format!("unexpected Authorization component {part:?}")),
        };
        if slot.0.replace(slot.1).is_some() {
            return Err(format!("repeated Authorization component {part:?}"));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(format!("Authorization lacks Credential, SignedHeaders or Signature: {value:?}"));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
        return Err(format!("bad credential scope {credential:?}"));
    };
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

/// `YYYYMMDDTHHMMSSZ` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// The signing settings of aws-runtime's SigV4 signer with its default `SigningOptions` (as used
/// for restJson1 services such as Connect): double URI encoding, path normalization, no
/// `x-amz-content-sha256`, session token signed, signature in headers. Only the headers the
/// client listed are given to the signer, so nothing is excluded.
pub fn signing_settings() -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Double;
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
    settings.session_token_mode = SessionTokenMode::Include;
    settings.signature_location = SignatureLocation::Headers;
    settings.excluded_headers = None;
    settings
}

impl Builder {
    fn check(&self, method: &str, target: &str, headers: &[Header], body: &[u8]) -> SigCheck {
        let authorizations: Vec<&Header> = headers.iter().filter(|h| h.name == "authorization").collect();
        match authorizations[..] {
            [] => SigCheck::Missing,
            [authorization] => match self.verify(&authorization.value, method, target, headers, body) {
                Ok(()) => SigCheck::Verified,
                Err(reason) => SigCheck::Invalid(reason),
            },
            _ => SigCheck::Invalid("several Authorization headers".into()),
        }
    }

    /// Re-signs the request from what was received and compares the signatures.
    fn verify(
        &self,
        authorization: &str,
        method: &str,
        target: &str,
        headers: &[Header],
        body: &[u8],
    ) -> Result<(), String> {
        let auth = parse_authorization(authorization)?;
        if auth.access_key_id != self.access_key_id {
            return Err(format!("unknown access key id {:?}", auth.access_key_id));
        }
        if (auth.region, auth.service) != (self.region.as_str(), self.service.as_str()) {
            return Err(format!(
                "credential scope is {}/{}, expected {}/{}",
                auth.region, auth.service, self.region, self.service
            ));
        }
        let single = |name: &str| -> Result<Option<&str>, String> {
            let values: Vec<&str> = headers.iter().filter(|h| h.name == name).map(|h| h.value.as_str()).collect();
            match values[..] {
                [] => Ok(None),
                [value] => Ok(Some(value)),
                _ => Err(format!("several {name} headers")),
            }
        };
        let Some(amz_date) = single("x-amz-date")? else {
            return Err("no X-Amz-Date header".into());
        };
        let Some(time) = parse_amz_date(amz_date) else {
            return Err(format!("bad X-Amz-Date {amz_date:?}"));
        };
        if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
            return Err(format!("credential scope date {} is not the date of X-Amz-Date {amz_date}", auth.date));
        }
        match (single("x-amz-security-token")?, &self.session_token) {
            (None, None) => {}
            (Some(got), Some(want)) if got == want => {}
            (Some(_), Some(_)) => return Err("wrong X-Amz-Security-Token".into()),
            (Some(_), None) => return Err("X-Amz-Security-Token sent, but the server expects none".into()),
            (None, Some(_)) => return Err("no X-Amz-Security-Token".into()),
        }
        let mut required = vec!["host", "x-amz-date"];
        if self.session_token.is_some() {
            required.push("x-amz-security-token");
        }
        if let Some(name) = required.iter().find(|name| !auth.signed_headers.contains(name)) {
            return Err(format!("SignedHeaders lacks {name}: {}", auth.signed_headers.join(";")));
        }
        let mut sorted = auth.signed_headers.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != auth.signed_headers
            || sorted.iter().any(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Err(format!(
                "SignedHeaders is not sorted, lowercase and unique: {}",
                auth.signed_headers.join(";")
            ));
        }
        // The signer adds x-amz-date and x-amz-security-token from its parameters; every other
        // signed header comes from the request, with all its values in order.
        let mut signable: Vec<(&str, &str)> = Vec::new();
        for &name in &auth.signed_headers {
            if name == "x-amz-date" || name == "x-amz-security-token" {
                continue;
            }
            let before = signable.len();
            signable.extend(headers.iter().filter(|h| h.name == name).map(|h| (h.name.as_str(), h.value.as_str())));
            if signable.len() == before {
                return Err(format!("signed header {name} is not in the request"));
            }
        }
        let uri = if target.starts_with('/') { format!("http://localhost{target}") } else { target.to_owned() };
        let identity = Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.clone(),
            None,
            "loopback-test-server",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(time)
            .settings(signing_settings())
            .build()
            .map_err(|e| format!("signing parameters: {e}"))?
            .into();
        let request = SignableRequest::new(method, uri, signable.into_iter(), SignableBody::Bytes(body))
            .map_err(|e| format!("cannot re-sign {method} {target}: {e}"))?;
        let output = sign(request, &params).map_err(|e| format!("cannot re-sign {method} {target}: {e}"))?;
        if output.signature() != auth.signature {
            return Err(format!(
                "signature mismatch: got {}, computed {} over {method} {target}, SignedHeaders={} and a {}-byte body",
                auth.signature,
                output.signature(),
                auth.signed_headers.join(";"),
                body.len()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    const BODY: &str = r#"{"Person": {"Given": "Mary", "Family": "Major", "Email": "marym@example.com"}}"#;
    const TARGET: &str =
        "/users/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/87654321-2222-1234-1234-111234567891/identity-info";

    /// A response as read by the raw test client.
    struct Response {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Response {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }
    }

    fn connect(server: &Server) -> TcpStream {
        let stream = TcpStream::connect(server.addr()).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
        stream
    }

    /// Reads one Content-Length-framed response.
    fn read_response(reader: &mut BufReader<TcpStream>) -> io::Result<Response> {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a response"));
        }
        let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status line");
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().expect("content-length"))
            .expect("response has Content-Length");
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        Ok(Response { status, headers, body })
    }

    /// Sends raw bytes on a new connection and reads one response.
    fn exchange(server: &Server, request: &[u8]) -> Response {
        let mut stream = connect(server);
        stream.write_all(request).expect("send");
        read_response(&mut BufReader::new(stream)).expect("response")
    }

    /// A request with `headers`, signed with aws-sigv4 as aws-runtime signs, as raw HTTP/1.1 head
    /// lines (without the final empty line) and the body.
    fn signed(server: &Server, method: &str, target: &str, body: &str, token: Option<&str>) -> Vec<String> {
        let host = server.addr().to_string();
        let mut headers =
            vec![("host".to_owned(), host.clone()), ("content-type".to_owned(), "application/json".to_owned())];
        headers.push(("content-length".to_owned(), body.len().to_string()));
        let identity =
            Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, token.map(str::to_owned), None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name(SERVICE)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .expect("params")
            .into();
        let request = SignableRequest::new(
            method,
            format!("http://{host}{target}"),
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            SignableBody::Bytes(body.as_bytes()),
        )
        .expect("signable");
        let (instructions, _) = sign(request, &params).expect("sign").into_parts();
        let mut lines = vec![format!("{method} {target} HTTP/1.1")];
        lines.extend(headers.iter().map(|(n, v)| format!("{n}: {v}")));
        lines.extend(instructions.headers().map(|(n, v)| format!("{n}: {v}")));
        lines
    }

    fn raw(lines: &[String], body: &str) -> Vec<u8> {
        format!("{}\r\n\r\n{body}", lines.join("\r\n")).into_bytes()
    }

    fn only_request(server: &Server) -> Captured {
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().unwrap()
    }

    fn assert_invalid(check: &SigCheck, needle: &str) {
        match check {
            SigCheck::Invalid(reason) => assert!(reason.contains(needle), "{reason:?} does not mention {needle:?}"),
            other => panic!("expected Invalid({needle:?}), got {other:?}"),
        }
    }

    #[test]
    fn aws_sigv4_signature_verifies_and_is_captured_exactly() {
        let server = Server::start(vec![Reply::empty(200)]);
        let lines = signed(&server, "POST", &format!("{TARGET}?b=2&a=x%3Ay"), BODY, None);
        let response = exchange(&server, &raw(&lines, BODY));
        assert_eq!((response.status, response.body.as_slice()), (200, &b""[..]));
        let request = only_request(&server);
        assert_eq!(request.signature, SigCheck::Verified);
        assert_eq!((request.method.as_str(), request.path(), request.query()), ("POST", TARGET, Some("b=2&a=x%3Ay")));
        assert_eq!(request.body_text(), BODY);
        let names: Vec<&str> = request.headers.iter().map(|h| h.original.as_str()).collect();
        assert_eq!(names, ["host", "content-type", "content-length", "x-amz-date", "authorization"]);
        assert_eq!(request.header("Content-Type"), Some("application/json"));
    }

    #[test]
    fn tampered_requests_are_invalid() {
        let server = Server::start(vec![]);
        let lines = signed(&server, "POST", TARGET, BODY, None);
        // Same length, other content.
        exchange(&server, &raw(&lines, &BODY.replace("Mary", "Mara")));
        let mut path = lines.clone();
        path[0] = path[0].replace("identity-info", "identity-infx");
        exchange(&server, &raw(&path, BODY));
        let header = lines.iter().map(|l| l.replace("application/json", "application/jsox")).collect::<Vec<_>>();
        exchange(&server, &raw(&header, BODY));
        let mut method = lines.clone();
        method[0] = method[0].replace("POST", "PUT");
        exchange(&server, &raw(&method, BODY));
        // An unsigned header may change.
        let mut unsigned = lines.clone();
        unsigned.insert(1, "User-Agent: aws-cli/2.36.7".into());
        exchange(&server, &raw(&unsigned, BODY));
        // A signed header missing.
        let dropped = lines.iter().filter(|l| !l.starts_with("content-type")).cloned().collect::<Vec<_>>();
        exchange(&server, &raw(&dropped, BODY));
        let checks: Vec<SigCheck> = server.requests().into_iter().map(|r| r.signature).collect();
        assert_eq!(checks.len(), 6);
        for check in &checks[..4] {
            assert_invalid(check, "signature mismatch");
        }
        assert_eq!(checks[4], SigCheck::Verified);
        assert_invalid(&checks[5], "signed header content-type is not in the request");
    }

    #[test]
    fn missing_authorization_and_wrong_scope_or_credentials() {
        let server = Server::start(vec![]);
        let body = "{}";
        exchange(
            &server,
            &raw(&[format!("GET {TARGET} HTTP/1.1"), "Host: x".into(), "Content-Length: 2".into()], body),
        );
        assert_eq!(only_request(&server).signature, SigCheck::Missing);

        let other_region = Server::builder().region("eu-west-2").start(vec![]);
        exchange(&other_region, &raw(&signed(&other_region, "GET", "/", body, None), body));
        assert_invalid(
            &only_request(&other_region).signature,
            "credential scope is us-east-1/connect, expected eu-west-2/connect",
        );

        let other_key = Server::builder().credentials(ACCESS_KEY_ID, "another-secret").start(vec![]);
        exchange(&other_key, &raw(&signed(&other_key, "GET", "/", body, None), body));
        assert_invalid(&only_request(&other_key).signature, "signature mismatch");

        let with_token = Server::builder().session_token("TOKEN").start(vec![]);
        exchange(&with_token, &raw(&signed(&with_token, "GET", "/", body, Some("TOKEN")), body));
        exchange(&with_token, &raw(&signed(&with_token, "GET", "/", body, Some("OTHER")), body));
        exchange(&with_token, &raw(&signed(&with_token, "GET", "/", body, None), body));
        let checks: Vec<SigCheck> = with_token.requests().into_iter().map(|r| r.signature).collect();
        assert_eq!(checks[0], SigCheck::Verified);
        assert_invalid(&checks[1], "wrong X-Amz-Security-Token");
        assert_invalid(&checks[2], "no X-Amz-Security-Token");
    }

    /// botocore (the AWS CLI's signer) signs a request; the server must agree with it, and must
    /// refuse it once the body changes after signing.
    #[test]
    fn botocore_signature_verifies() {
        const SCRIPT: &str = r#"
import http.client, sys, urllib.parse
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, body, token = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token), "connect", "us-east-1").add_auth(request)
prepared = request.prepare()
parts = urllib.parse.urlsplit(prepared.url)
for sent in (prepared.body, prepared.body.replace(b"Mary", b"Mara")):
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("POST", parts.path + "?" + parts.query, body=sent, headers=dict(prepared.headers.items()))
    response = connection.getresponse()
    print(response.status, response.read().decode())
    connection.close()
"#;
        let server = Server::builder().session_token("SESSION-TOKEN-EXAMPLE").start(vec![Reply::json(200, "{}")]);
        let target = "/users/a1b2c3d4%3A5678/user%20id/identity-info?maxResults=10&nextToken=a%2Bb%3D&Empty=";
        let out = Command::new("python3")
            .args(["-c", SCRIPT, &format!("{}{target}", server.url()), BODY, "SESSION-TOKEN-EXAMPLE"])
            .output()
            .expect("python3 must be installed (with botocore) for this test");
        assert!(
            out.status.success(),
            "python3 with botocore failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "200 {}\n200 {}\n");
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].target, target);
        assert_eq!(requests[0].body_text(), BODY);
        let authorization = requests[0].header("authorization").expect("signed by botocore");
        assert!(
            authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
            "{authorization}"
        );
        assert_eq!(requests[0].signature, SigCheck::Verified);
        assert_invalid(&requests[1].signature, "signature mismatch");
    }

    #[test]
    fn keep_alive_chunked_bodies_and_the_script_in_order() {
        let server = Server::start(vec![
            Reply::error(429, "ThrottlingException", "Rate \"exceeded\""),
            Reply::json(200, r#"{"a": 1}"#).header("x-amzn-RequestId", "req-1"),
            Reply::empty(204),
        ]);
        let mut stream = connect(&server);
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        stream.write_all(b"POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc").unwrap();
        let first = read_response(&mut reader).unwrap();
        assert_eq!((first.status, first.header("x-amzn-errortype")), (429, Some("ThrottlingException")));
        assert_eq!(first.header("content-type"), Some("application/json"));
        assert_eq!(String::from_utf8(first.body).unwrap(), r#"{"message": "Rate \"exceeded\""}"#);
        // Chunked, with an extension and a trailer, pipelined with a third request.
        stream
            .write_all(
                b"PUT /b?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\
                  3;ext=1\r\nhel\r\n8\r\nlo world\r\n0\r\nTrailer: t\r\n\r\n\
                  DELETE /c HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            )
            .unwrap();
        let second = read_response(&mut reader).unwrap();
        assert_eq!((second.status, second.header("x-amzn-requestid")), (200, Some("req-1")));
        assert_eq!(second.body, br#"{"a": 1}"#);
        let third = read_response(&mut reader).unwrap();
        assert_eq!((third.status, third.body.len()), (204, 0));
        // The last reply repeats; `Connection: close` is honoured.
        stream.write_all(b"GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").unwrap();
        let fourth = read_response(&mut reader).unwrap();
        assert_eq!((fourth.status, fourth.header("connection")), (204, Some("close")));
        let mut rest = Vec::new();
        assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0);

        let requests = server.requests();
        let seen: Vec<(usize, &str, &str, &[u8])> =
            requests.iter().map(|r| (r.connection, r.method.as_str(), r.target.as_str(), r.body.as_slice())).collect();
        assert_eq!(
            seen,
            [
                (0, "POST", "/a", &b"abc"[..]),
                (0, "PUT", "/b?x=1", &b"hello world"[..]),
                (0, "DELETE", "/c", &b""[..]),
                (0, "GET", "/d", &b""[..])
            ]
        );
        assert!(requests.iter().all(|r| r.signature == SigCheck::Missing && r.version == "HTTP/1.1"));
        // A new connection is counted as such.
        exchange(&server, b"GET /e HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(server.requests()[4].connection, 1);
        assert!(server.errors().is_empty());
    }

    #[test]
    fn delay_close_malformed_and_prompt_drop() {
        let server = Server::start(vec![
            Reply::delay(Duration::from_millis(300), Reply::json(200, "{}")),
            Reply::close(),
            Reply::delay(Duration::from_secs(30), Reply::empty(200)),
        ]);
        // A client with a short read timeout gives up; a patient one gets the answer.
        let mut stream = connect(&server);
        stream.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        stream.write_all(b"GET /slow HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let err = read_response(&mut reader).err().expect("read times out");
        assert!(matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut), "{err:?}");
        assert_eq!(server.requests().len(), 1, "recorded before the reply");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(read_response(&mut reader).unwrap().body, b"{}");
        // Closed without an answer.
        stream.write_all(b"GET /closed HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
        let mut rest = Vec::new();
        assert_eq!(reader.read_to_end(&mut rest).unwrap_or(0), 0);
        // Malformed requests get a 400 and are reported.
        let bad = exchange(&server, b"GET /x HTTP/1.1\r\nno colon\r\n\r\n");
        assert_eq!(bad.status, 400);
        assert_eq!(server.errors(), ["header line without colon \"no colon\""]);
        // Dropping interrupts a pending 30 s delay and an idle keep-alive connection.
        let mut pending = connect(&server);
        pending.write_all(b"GET /pending HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
        let idle = connect(&server);
        while server.requests().len() < 3 {
            thread::sleep(Duration::from_millis(5));
        }
        let started = std::time::Instant::now();
        drop(server);
        assert!(started.elapsed() < Duration::from_secs(5), "drop took {:?}", started.elapsed());
        let mut rest = Vec::new();
        assert_eq!(pending.read_to_end(&mut rest).unwrap_or(0), 0);
        drop(idle);
    }

    #[test]
    fn amz_dates() {
        let at = |s| parse_amz_date(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(at("19700101T000000Z"), Some(0));
        assert_eq!(at("20150830T123600Z"), Some(1_440_938_160));
        assert_eq!(at("20240229T235959Z"), Some(1_709_251_199));
        assert_eq!(at("20150830T123600"), None);
        assert_eq!(at("2015083OT123600Z"), None);
        assert_eq!(at("20151330T123600Z"), None);
    }
}
