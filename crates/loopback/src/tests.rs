//! Tests of the server with a raw client: framing, keep-alive, scripted replies, SigV4 checks
//! against aws-sigv4 and botocore.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::thread::{self};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::capture::*;
use crate::reply::*;
use crate::server::*;
use crate::sigv4::*;
use crate::*;

use std::process::Command;

const BODY: &str = r#"{"Person": {"Given": "Mary", "Family": "Major", "Email": "marym@example.com"}}"#;
const TARGET: &str = "/users/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/87654321-2222-1234-1234-111234567891/identity-info";

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
    let identity = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, token.map(str::to_owned), None, "test").into();
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
    exchange(&server, &raw(&[format!("GET {TARGET} HTTP/1.1"), "Host: x".into(), "Content-Length: 2".into()], body));
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
