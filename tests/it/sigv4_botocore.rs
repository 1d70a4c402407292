//! SigV4 signatures of the real client checked by botocore's own signer (`botocore.auth.SigV4Auth`),
//! which shares no code with aws-sigv4: every operation is sent by the `aws-connect` binary to the
//! loopback server, which records each request as received (method, raw path and query, headers in
//! order, body bytes); one Python process re-signs every recorded request with botocore at the
//! request's own `X-Amz-Date`, and each `Authorization` header must be byte-equal to botocore's.
//!
//! Requests cover every HTTP binding pattern of the model ([`Pattern`]: method × number of labels ×
//! query members × header members × body), labels with characters that need encoding, query
//! strings with repeated keys, reserved and non-ASCII characters, header members, empty bodies and
//! session tokens. Tampered copies of recorded requests must fail the comparison.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::process::{Command, Stdio};

use connect_core::generated::SERVICE;
use connect_core::model::{Bounds, Kind, Location, Operation, Shape};
use loopback::{ACCESS_KEY_ID, Captured, REGION, Reply, SECRET_ACCESS_KEY, SERVICE as SIGNING_NAME, Server, SigCheck};
use serde_json::{Map, Value, json};

/// What to install when the oracle is missing.
const INSTALL: &str = "python3 with botocore is needed: pip install -r .ci/requirements.txt (.ci/run does)";

/// The session token of the requests sent with temporary credentials (characters that base64
/// tokens have).
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE//session+token/for=the/test==";

/// Labels: every character that needs encoding in a path (`/`, space, `%`, `+`, non-ASCII), and
/// `~`, which must not be encoded.
const LABEL_TEXT: &str = "a/b c%d+e~é中😀:@";
/// Query values: reserved characters, spaces and non-ASCII.
const QUERY_TEXT: &str = "q &=+?#/%~é中😀;,:@!$'()*[]";
/// Header values: ASCII (HTTP/1.1 headers), with inner runs of spaces SigV4 collapses.
const HEADER_TEXT: &str = "h  v;,:@!$&=+/  x";
/// Body strings.
const BODY_TEXT: &str = "b \"\\/é中😀\u{2028}";

/// Which kinds of query members an operation's input has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Query {
    None,
    Single,
    List,
    ListAndSingle,
}

/// The HTTP binding pattern of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pattern {
    method: &'static str,
    labels: usize,
    query: Query,
    headers: usize,
    body: bool,
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} labels={} query={:?} headers={} body={}",
            self.method, self.labels, self.query, self.headers, self.body
        )
    }
}

fn pattern(op: &Operation) -> Pattern {
    let members = op.input().map_or(&[][..], |s| s.members());
    let count = |f: fn(&Location) -> bool| members.iter().filter(|m| f(&m.location())).count();
    let query = |list: bool| {
        members
            .iter()
            .any(|m| matches!(m.location(), Location::Query(_)) && matches!(m.target().kind(), Kind::List(_)) == list)
    };
    Pattern {
        method: op.http().method,
        labels: count(|l| *l == Location::Label),
        query: match (query(true), query(false)) {
            (false, false) => Query::None,
            (false, true) => Query::Single,
            (true, false) => Query::List,
            (true, true) => Query::ListAndSingle,
        },
        headers: count(|l| matches!(l, Location::Header(_))),
        body: count(|l| *l == Location::Body) > 0,
    }
}

/// A small deterministic generator (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// `n` clamped to a `@length` (or `@range`) bound.
fn clamp(n: usize, bounds: Option<Bounds>) -> usize {
    let (min, max) = bounds.map_or((None, None), |b| (b.min, b.max));
    let n = min.map_or(n, |min| n.max(min as usize));
    max.map_or(n, |max| n.min(max as usize))
}

/// `text` cut or repeated to fit the string shape's `@length`, starting at character `skip`.
fn fit(text: &str, shape: &Shape, skip: usize) -> String {
    let len = clamp(text.chars().count(), shape.length());
    text.chars().cycle().skip(skip).take(len).collect()
}

/// A valid value of `shape` (within its length, range and enum constraints). `text` is the
/// string to use; `full` sets every optional member (else only required ones, or some).
fn value(rng: &mut Rng, shape: &'static Shape, text: &str, depth: usize, full: bool) -> Value {
    match shape.kind() {
        Kind::String => Value::String(fit(text, shape, rng.below(4) as usize)),
        Kind::Enum(values) => Value::String(values[rng.below(values.len() as u64) as usize].value().to_owned()),
        Kind::Integer | Kind::Long => {
            let (min, max) = shape.range().map_or((None, None), |b| (b.min, b.max));
            let min = min.unwrap_or(0.0) as i64;
            let max = max.map_or(min + 1000, |m| m as i64);
            json!(min + rng.below((max - min + 1).min(1000) as u64) as i64)
        }
        Kind::Float | Kind::Double => {
            let min = shape.range().and_then(|b| b.min).unwrap_or(0.0);
            let max = shape.range().and_then(|b| b.max).unwrap_or(min + 100.0);
            json!(min + (max - min) * (rng.below(8) as f64) / 8.0)
        }
        Kind::Boolean => json!(rng.below(2) == 1),
        Kind::Timestamp(_) => json!(1_700_000_000 + rng.below(10_000_000) as i64),
        Kind::Structure(members) => {
            let mut map = Map::new();
            for m in members {
                let set = m.required() || (depth < 3 && (full || rng.below(3) == 0));
                if set && !m.idempotency_token() {
                    map.insert(m.name().to_owned(), value(rng, m.target(), text, depth + 1, full && depth < 2));
                }
            }
            Value::Object(map)
        }
        Kind::Union(members) => {
            let m = &members[rng.below(members.len() as u64) as usize];
            let mut map = Map::new();
            map.insert(m.name().to_owned(), value(rng, m.target(), text, depth + 1, false));
            Value::Object(map)
        }
        Kind::List(element) => {
            let n = clamp(if depth < 3 { 1 + rng.below(2) as usize } else { 0 }, shape.length());
            Value::Array((0..n).map(|_| value(rng, element, text, depth + 1, false)).collect())
        }
        Kind::Map { key, value: v } => {
            let n = clamp(if depth < 3 { 1 + rng.below(2) as usize } else { 0 }, shape.length());
            let mut map = Map::new();
            let mut attempt = 0;
            while map.len() < n && attempt < 50 {
                let k = match key.kind() {
                    Kind::Enum(values) => values[rng.below(values.len() as u64) as usize].value().to_owned(),
                    _ => fit(&format!("k{attempt}{text}"), key, 0),
                };
                map.insert(k, value(rng, v, text, depth + 1, false));
                attempt += 1;
            }
            Value::Object(map)
        }
    }
}

/// A list for a query member: several entries (so the key repeats), in descending order so that
/// the canonical query string has to sort them.
fn query_list(rng: &mut Rng, shape: &'static Shape, element: &'static Shape) -> Value {
    let n = clamp(3, shape.length());
    let mut items: Vec<String> = match element.kind() {
        Kind::Enum(values) => values.iter().rev().take(n).map(|v| v.value().to_owned()).collect(),
        Kind::String => (0..n).map(|i| fit(&format!("{}{QUERY_TEXT}", 9 - i), element, 0)).collect(),
        _ => return value(rng, shape, QUERY_TEXT, 1, false),
    };
    items.sort_by(|a, b| b.cmp(a));
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// An input for `op`: labels always; with `full`, every query and header member and most body
/// members; else only required members.
fn input(rng: &mut Rng, op: &Operation, full: bool) -> Map<String, Value> {
    let mut map = Map::new();
    for m in op.input().map_or(&[][..], |s| s.members()) {
        if m.idempotency_token() || !(m.required() || full || m.location() == Location::Label) {
            continue;
        }
        let v = match (m.location(), m.target().kind()) {
            (Location::Label, Kind::String) => Value::String(fit(LABEL_TEXT, m.target(), 0)),
            (Location::Query(_), Kind::List(element)) => query_list(rng, m.target(), element),
            (Location::Query(_), _) => value(rng, m.target(), QUERY_TEXT, 1, false),
            (Location::Header(_), _) => value(rng, m.target(), HEADER_TEXT, 1, false),
            (Location::Body, _) if !m.required() && rng.below(4) == 0 => continue,
            (_, _) => value(rng, m.target(), BODY_TEXT, 1, full),
        };
        map.insert(m.name().to_owned(), v);
    }
    map
}

/// One request as sent, and what botocore is told about it.
struct Sent {
    op: &'static str,
    pattern: Pattern,
    token: Option<&'static str>,
    request: Captured,
}

/// The oracle: re-signs each request with botocore at its own `X-Amz-Date`, giving botocore the
/// URL as received and exactly the headers that `SignedHeaders` lists.
const BOTOCORE: &str = r#"
import datetime, hashlib, json, re, sys
try:
    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as e:
    sys.exit(f"cannot import botocore: {e}")
access_key, secret_key, region, service = sys.argv[1:5]
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=[^,]+, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}")
out = []
for r in json.load(sys.stdin):
    headers = r["headers"]
    def value(name):
        found = [v for n, v in headers if n.lower() == name]
        return found[0] if len(found) == 1 else None
    problems = []
    auth = value("authorization")
    match = AUTH.fullmatch(auth or "")
    if not match:
        out.append({"authorization": None, "canonical": "", "problems": ["no single well-formed Authorization header"]})
        continue
    signed = match.group(1).split(";")
    body = bytes.fromhex(r["body"])
    sha = value("x-amz-content-sha256")
    if sha is not None and sha != hashlib.sha256(body).hexdigest():
        problems.append("X-Amz-Content-SHA256 is not the SHA-256 of the body")
    request = AWSRequest(method=r["method"], url="http://" + (value("host") or "") + r["target"], data=body)
    for name, v in headers:
        if name.lower() in signed:
            request.headers[name] = v
    when = datetime.datetime.strptime(value("x-amz-date") or "", "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda when=when: when
    signer = SigV4Auth(Credentials(access_key, secret_key, r["token"]), service, region)
    signer.add_auth(request)
    authorization = request.headers["Authorization"]
    del request.headers["Authorization"]
    canonical = signer.canonical_request(request)
    if r["token"]:
        canonical = canonical.replace(r["token"], "<session token>")
    out.append({"authorization": authorization, "canonical": canonical, "problems": problems})
json.dump(out, sys.stdout)
"#;

/// botocore's answer for one request.
struct Verdict {
    authorization: Option<String>,
    canonical: String,
    problems: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the oracle over `requests` (with the session token each was sent with).
fn botocore(requests: &[(&Captured, Option<&str>)]) -> Vec<Verdict> {
    let payload: Vec<Value> = requests
        .iter()
        .map(|(r, token)| {
            json!({
                "method": r.method,
                "target": r.target,
                "headers": r.headers.iter().map(|h| json!([h.original, h.value])).collect::<Vec<_>>(),
                "body": hex(&r.body),
                "token": token,
            })
        })
        .collect();
    let mut child = Command::new("python3")
        .args(["-c", BOTOCORE, ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION, SIGNING_NAME])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); {INSTALL}"));
    // A Python without botocore exits before reading: its status and message come first.
    let written = child.stdin.take().unwrap().write_all(serde_json::to_string(&payload).unwrap().as_bytes());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the botocore oracle failed; {INSTALL}\n{}", String::from_utf8_lossy(&out.stderr));
    written.expect("requests written to the oracle");
    let verdicts: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the oracle prints JSON");
    assert_eq!(verdicts.len(), requests.len());
    verdicts
        .into_iter()
        .map(|v| Verdict {
            authorization: v["authorization"].as_str().map(str::to_owned),
            canonical: v["canonical"].as_str().unwrap_or_default().to_owned(),
            problems: v["problems"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect(),
        })
        .collect()
}

/// A request for a failure message, with the signature and session token left out.
fn describe(r: &Captured) -> String {
    let mut out = format!("{} {}\n", r.method, r.target);
    for h in &r.headers {
        let value = match h.name.as_str() {
            "authorization" => {
                h.value.split(", Signature=").next().unwrap_or_default().to_owned() + ", Signature=<redacted>"
            }
            "x-amz-security-token" => "<redacted>".to_owned(),
            _ => h.value.clone(),
        };
        out.push_str(&format!("{}: {value}\n", h.original));
    }
    out + &String::from_utf8_lossy(&r.body)
}

/// Sends `op` with `input` through the binary to `server` and returns the request it received.
fn send(server: &Server, op: &Operation, input: &Map<String, Value>, token: Option<&str>) -> Captured {
    let mut env = crate::common::aws_env();
    if let Some(token) = token {
        env = env.var("AWS_SESSION_TOKEN", token);
    }
    let before = server.requests().len();
    let json = Value::Object(input.clone()).to_string();
    let run = env.run(&[op.cli_name(), "--endpoint-url", &server.url(), "--cli-input-json", &json, "--output", "json"]);
    let requests = server.requests();
    assert!(
        run.code == 0 && requests.len() == before + 1,
        "{} with {json} sent {} requests:\n{}",
        op.cli_name(),
        requests.len() - before,
        run.snapshot()
    );
    requests[before].clone()
}

#[test]
fn every_binding_pattern_signed_as_botocore_signs() {
    let mut by_pattern: BTreeMap<Pattern, Vec<&'static Operation>> = BTreeMap::new();
    for op in SERVICE.operations() {
        by_pattern.entry(pattern(op)).or_default().push(op);
    }
    let plain = Server::start(vec![Reply::json(200, "{}")]);
    let temporary = Server::builder().session_token(TOKEN).start(vec![Reply::json(200, "{}")]);

    // Every operation once: the first of each pattern with every query and header member set and
    // without a session token; the others alternate between required members only and most
    // members, and between long-term and temporary credentials.
    let mut rng = Rng(0x5147_5634);
    let mut sent = Vec::new();
    for (pattern, ops) in &by_pattern {
        for (i, op) in ops.iter().enumerate() {
            let full = i == 0 || i % 3 != 2;
            let token = (i % 2 == 1).then_some(TOKEN);
            let server = if token.is_some() { &temporary } else { &plain };
            let input = input(&mut rng, op, full);
            let request = send(server, op, &input, token);
            sent.push(Sent { op: op.name(), pattern: *pattern, token, request });
        }
    }

    // What the requests must have exercised, read from the bytes received.
    let has = |f: &dyn Fn(&Sent) -> bool| sent.iter().any(f);
    for (what, encoded) in
        [("/", "%2F"), ("space", "%20"), ("%", "%25"), ("+", "%2B"), ("é", "%C3%A9"), ("😀", "%F0%9F%98%80")]
    {
        assert!(has(&|s| s.request.path().contains(encoded)), "no label with {what} ({encoded}) was sent");
    }
    assert!(has(&|s| s.request.path().contains('~')), "no label with ~ was sent");
    for (what, encoded) in [("&", "%26"), ("=", "%3D"), ("#", "%23"), ("non-ASCII", "%E4%B8%AD"), ("space", "%20")] {
        assert!(has(&|s| s.request.query().is_some_and(|q| q.contains(encoded))), "no query value with {what}");
    }
    assert!(
        has(&|s| {
            let keys: Vec<&str> = s
                .request
                .query()
                .unwrap_or_default()
                .split('&')
                .map(|p| p.split('=').next().unwrap_or_default())
                .collect();
            keys.iter().collect::<BTreeSet<_>>().len() < keys.len()
        }),
        "no query string with a repeated key"
    );
    for method in ["GET", "DELETE", "PUT", "POST"] {
        assert!(has(&|s| s.request.method == method), "no {method} request");
    }
    assert!(has(&|s| s.request.body.is_empty()), "no request with an empty body");
    assert!(has(&|s| s.request.header("x-amz-security-token") == Some(TOKEN)), "no request with a session token");
    assert!(
        has(&|s| s.request.headers.iter().any(|h| h.name.starts_with("x-amz-last-modified"))),
        "no request with a header member"
    );

    // Tampered copies (one byte of the body, the path, a signed header) must not verify.
    let mut tampered = Vec::new();
    let pick = |f: &dyn Fn(&Captured) -> bool| sent.iter().find(|s| f(&s.request)).expect("a request to tamper with");
    let with_body = pick(&|r| !r.body.is_empty());
    let mut body = with_body.request.clone();
    body.body[0] ^= 0x01;
    tampered.push(("body", body, with_body.token));
    let labelled = pick(&|r| r.path().contains("%2F"));
    let mut path = labelled.request.clone();
    path.target = path.target.replacen("%2F", "%2E", 1);
    tampered.push(("path", path, labelled.token));
    let mut header = with_body.request.clone();
    let content_type = header.headers.iter_mut().find(|h| h.name == "content-type").expect("content-type");
    content_type.value.replace_range(0..1, "b");
    tampered.push(("header", header, with_body.token));

    let mut batch: Vec<(&Captured, Option<&str>)> = sent.iter().map(|s| (&s.request, s.token)).collect();
    batch.extend(tampered.iter().map(|(_, r, token)| (r, *token)));
    let verdicts = botocore(&batch);

    let mut failures = Vec::new();
    let mut covered: BTreeMap<Pattern, usize> = BTreeMap::new();
    for (s, v) in sent.iter().zip(&verdicts) {
        let ours = s.request.header("authorization");
        if ours.is_some() && v.authorization.as_deref() == ours && v.problems.is_empty() {
            *covered.entry(s.pattern).or_default() += 1;
        } else {
            failures.push(format!(
                "{} ({}): {}\nbotocore's Authorization differs from the one received\nrequest as received:\n{}\n\
                 botocore's canonical request:\n{}\n",
                s.op,
                s.pattern,
                v.problems.join("; "),
                describe(&s.request),
                v.canonical
            ));
        }
        assert_eq!(s.request.signature, SigCheck::Verified, "the loopback server refused {}", s.op);
    }
    for ((what, r, _), v) in tampered.iter().zip(&verdicts[sent.len()..]) {
        assert!(v.authorization.is_some(), "botocore could not sign the request with a changed {what}");
        // (No values in the message: signatures are not printed.)
        assert!(
            v.authorization.as_deref() != r.header("authorization"),
            "botocore still agrees after one byte of the {what} changed: the check cannot fail"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} signatures differ from botocore's:\n{}",
        failures.len(),
        sent.len(),
        failures.join("\n")
    );

    let missing: Vec<String> = by_pattern.keys().filter(|p| !covered.contains_key(p)).map(|p| p.to_string()).collect();
    assert!(missing.is_empty(), "binding patterns without a checked request: {missing:?}");
    let with_token = sent.iter().filter(|s| s.token.is_some()).count();
    eprintln!(
        "botocore signature check: {} requests ({with_token} with a session token) over {} binding patterns, \
         {} tampered copies refused",
        sent.len(),
        covered.len(),
        tampered.len()
    );
    for (pattern, n) in &covered {
        eprintln!("  {pattern}: {n} request(s), {} operation(s)", by_pattern[pattern].len());
    }
}
