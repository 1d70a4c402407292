//! HTTPS against `openssl s_server` with a self-signed certificate made for the test: refused
//! with the AWS CLI's SSL error, reached with `--no-verify-ssl` (and its warning). openssl is
//! required (`.ci/run` installs it).

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

fn run(server: &TlsServer, extra: &[&str]) -> crate::common::Run {
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
    Env::new()
        .var("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
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
    let start = Instant::now();
    while !server.received().contains("POST /users/i/u/identity-info HTTP/1.1") {
        assert!(start.elapsed() < Duration::from_secs(10), "not received:\n{}", server.received());
        std::thread::sleep(Duration::from_millis(20));
    }
}
