//! HTTPS against `openssl s_server` with a self-signed certificate made for the test: refused
//! with the AWS CLI's SSL error, reached with `--no-verify-ssl` (and its warning), directly or
//! through an HTTP `CONNECT` proxy. openssl is required (`.ci/run` installs it).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Env;
use loopback::{ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY};

/// `openssl s_server` on a free port of 127.0.0.1 with a fresh self-signed certificate; it prints
/// what it receives to a file.
struct TlsServer {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl TlsServer {
    fn start() -> TlsServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let openssl = |args: &[&str], stdout: Stdio| {
            Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stdin(Stdio::piped())
                .stdout(stdout)
                .stderr(Stdio::null())
                .spawn()
                .expect("openssl is required for these tests: install it (.ci/run does)")
        };
        let made = openssl(
            &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1"]
                .into_iter()
                .chain(["-subj", "/CN=127.0.0.1"])
                .collect::<Vec<_>>(),
            Stdio::null(),
        )
        .wait_with_output()
        .expect("openssl req");
        assert!(made.status.success(), "openssl req failed");
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let log = dir.path().join("server.log");
        let out = std::fs::File::create(&log).expect("log file");
        // Its standard input stays open (a pipe we hold), or it would stop at once.
        let accept = format!("127.0.0.1:{port}");
        let child = openssl(&["s_server", "-accept", &accept, "-cert", "cert.pem", "-key", "key.pem"], out.into());
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        TlsServer { child, port, log, _dir: dir }
    }

    /// Waits (up to 10 s) until the server has received the request.
    fn wait_for_the_request(&self) {
        let start = Instant::now();
        while !self.received().contains("POST /users/i/u/identity-info HTTP/1.1") {
            assert!(start.elapsed() < Duration::from_secs(10), "not received:\n{}", self.received());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn received(&self) -> String {
        let mut text = String::new();
        let _ = std::fs::File::open(&self.log).and_then(|mut f| f.read_to_string(&mut text));
        text
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `CONNECT` proxy on a free port of 127.0.0.1: it records each request head, then joins the
/// client to the destination it names.
struct ConnectProxy {
    port: u16,
    heads: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let seen = seen.clone();
                std::thread::spawn(move || tunnel(client, &seen));
            }
        });
        ConnectProxy { port, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn tunnel(mut client: TcpStream, seen: &std::sync::Mutex<Vec<String>>) {
    use std::io::Write;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    seen.lock().unwrap().push(head.clone());
    let target = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let (mut c2, mut u2) = (client.try_clone().expect("clone"), upstream.try_clone().expect("clone"));
    let (mut client, mut upstream) = (client, upstream);
    std::thread::spawn(move || std::io::copy(&mut c2, &mut u2));
    let _ = std::io::copy(&mut upstream, &mut client);
}

fn run(server: &TlsServer, extra: &[&str]) -> crate::common::Run {
    run_with(server, extra, &[])
}

fn run_with(server: &TlsServer, extra: &[&str], vars: &[(&str, &str)]) -> crate::common::Run {
    let url = format!("https://127.0.0.1:{}", server.port);
    let mut args = vec![
        "update-user-identity-info",
        "--identity-info",
        "FirstName=Mary",
        "--user-id",
        "u",
        "--instance-id",
        "i",
        "--endpoint-url",
        &url,
        "--cli-read-timeout",
        "1",
    ];
    args.extend_from_slice(extra);
    let env = vars.iter().fold(Env::new(), |env, (k, v)| env.var(k, v));
    env.var("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .var("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .var("AWS_REGION", REGION)
        .var("AWS_EC2_METADATA_DISABLED", "true")
        .var("AWS_MAX_ATTEMPTS", "1")
        .run(&args)
}

#[test]
fn an_untrusted_certificate_is_an_ssl_error() {
    let server = TlsServer::start();
    let r = run(&server, &[]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    let expected = format!(
        "\naws-connect: [ERROR]: SSL validation failed for https://127.0.0.1:{}/users/i/u/identity-info invalid peer certificate: ",
        server.port
    );
    assert!(r.stderr.starts_with(&expected), "{}", r.stderr);
    assert!(!server.received().contains("POST "), "nothing is sent");
}

#[test]
fn no_verify_ssl_reaches_the_server_with_a_warning() {
    let server = TlsServer::start();
    let r = run(&server, &["--no-verify-ssl"]);
    // The server never answers: a read timeout, after the request went through.
    assert_eq!(r.code, 255, "{}", r.stderr);
    let warning = "InsecureRequestWarning: Unverified HTTPS request is being made to host '127.0.0.1'. Adding \
                   certificate verification is strongly advised. See: \
                   https://urllib3.readthedocs.io/en/latest/advanced-usage.html#tls-warnings\n";
    assert!(r.stderr.starts_with(warning), "{}", r.stderr);
    assert_eq!(r.stderr.matches("InsecureRequestWarning").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("Read timeout on endpoint URL"), "{}", r.stderr);
    server.wait_for_the_request();
}

#[test]
fn no_verify_ssl_goes_through_the_proxy_of_the_environment() {
    let server = TlsServer::start();
    let proxy = ConnectProxy::start();
    // A raw `@` in the password: Python takes the user information up to the last `@`.
    let proxy_url = format!("http://user:p@ss@127.0.0.1:{}", proxy.port);
    let r = run_with(&server, &["--no-verify-ssl"], &[("HTTPS_PROXY", &proxy_url)]);
    assert!(r.stderr.contains("Read timeout on endpoint URL"), "{}", r.stderr);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let target = format!("127.0.0.1:{}", server.port);
    assert!(heads[0].starts_with(&format!("CONNECT {target} HTTP/1.1\r\n")), "{}", heads[0]);
    // The proxy's credentials, as Basic authentication (user:p@ss).
    assert!(heads[0].contains("Proxy-Authorization: Basic dXNlcjpwQHNz\r\n"), "{}", heads[0]);
    server.wait_for_the_request();
}

#[test]
fn no_verify_ssl_names_an_unreachable_proxy() {
    let server = TlsServer::start();
    let gone = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let proxy_url = format!("http://127.0.0.1:{gone}");
    let r = run_with(&server, &["--no-verify-ssl"], &[("HTTPS_PROXY", &proxy_url)]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(r.stderr.ends_with(&format!("Failed to connect to proxy URL: \"{proxy_url}\"\n")), "{}", r.stderr);
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    let server = TlsServer::start();
    let proxy = ConnectProxy::start();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let r = run_with(&server, &["--no-verify-ssl"], &[("HTTPS_PROXY", &proxy_url), ("NO_PROXY", "127.0.0.1")]);
    assert!(r.stderr.contains("Read timeout on endpoint URL"), "{}", r.stderr);
    assert!(proxy.heads().is_empty(), "{:?}", proxy.heads());
    server.wait_for_the_request();
}
