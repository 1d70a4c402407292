//! The typed library, end to end: the `typed_call` example sends generated input types through
//! the runtime to a loopback server that checks SigV4, and reads a generated output type back.

use std::process::Command;

use loopback::{Reply, Server, SigCheck};

/// The example's binary, built by `cargo test` beside this test's.
fn example() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target directory");
    dir.join("examples").join(format!("typed_call{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn the_example_sends_typed_inputs_and_reads_typed_outputs() {
    let describe = r#"{"User": {"Id": "u-1", "Username": "mary", "IdentityInfo": {"FirstName": "Mary", "LastName": "Major", "Email": "marym@example.com"}}}"#;
    let server = Server::start(vec![Reply::empty(200), Reply::json(200, describe)]);
    let out = Command::new(example())
        .args([&server.url(), "i-1", "u-1"])
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", loopback::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", loopback::SECRET_ACCESS_KEY)
        .env("AWS_REGION", loopback::REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", "/nonexistent")
        .output()
        .expect("run the typed_call example: `cargo test` builds it, or `cargo build -p connect-core --examples`");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Mary Major <marym@example.com>\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("POST", "/users/i-1/u-1/identity-info"));
    assert_eq!(
        requests[0].body_text(),
        r#"{"IdentityInfo":{"FirstName":"Mary","LastName":"Major","Email":"marym@example.com"}}"#
    );
    assert_eq!((requests[1].method.as_str(), requests[1].target.as_str()), ("GET", "/users/i-1/u-1"));
    assert!(requests.iter().all(|r| r.signature == SigCheck::Verified));
}
