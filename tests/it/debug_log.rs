//! `--debug` answers "which credentials, region and endpoint did this use, and why": the
//! operation, the credential provider (never the keys), the profile and where the region came
//! from, the endpoint and its origin, each attempt and its outcome, and the response body with
//! `@sensitive` members redacted. No secret appears: keys, session tokens, signatures, sensitive
//! input or output values, proxy passwords.

use loopback::{Reply, SECRET_ACCESS_KEY, Server};

use crate::common::Env;

const SEED: &[&str] = &[
    "update-user-identity-info",
    "--identity-info",
    "FirstName=Mary,LastName=Major,Email=marym@example.com",
    "--user-id",
    "u-1",
    "--instance-id",
    "i-1",
];

fn env() -> Env {
    Env::new().var("AWS_REGION", "eu-west-2").var("AWS_EC2_METADATA_DISABLED", "true").var("AWS_MAX_ATTEMPTS", "3")
}

fn assert_lines(stderr: &str, expected: &[&str]) {
    for line in expected {
        assert!(stderr.lines().any(|l| l == *line), "--debug lacks the line {line:?}:\n{stderr}");
    }
}

fn assert_no_secrets(stderr: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!stderr.contains(secret), "--debug printed {secret:?}:\n{stderr}");
    }
}

#[test]
fn says_which_profile_provider_region_and_endpoint() {
    let server = Server::builder()
        .region("eu-west-2")
        .start(vec![Reply::error(500, "InternalServiceException", "x"), Reply::empty(200)]);
    let env = env().var("AWS_ACCESS_KEY_ID", "AKIDENV").var("AWS_SECRET_ACCESS_KEY", "ENV-SECRET");
    std::fs::create_dir_all(env.path(".aws")).unwrap();
    std::fs::write(
        env.path(".aws/credentials"),
        format!("[dev]\naws_access_key_id = {}\naws_secret_access_key = {SECRET_ACCESS_KEY}\naws_session_token = SECRET-TOKEN\n", loopback::ACCESS_KEY_ID),
    )
    .unwrap();
    let url = server.url();
    let mut args = SEED.to_vec();
    args.extend(["--endpoint-url", &url, "--profile", "dev", "--debug"]);
    let r = env.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_lines(
        &r.stderr,
        &[
            "Operation: UpdateUserIdentityInfo (POST /users/{InstanceId}/{UserId}/identity-info)",
            "Profile: dev (given with --profile)",
            "Region: eu-west-2 (from the environment variable AWS_REGION)",
            "Credentials: supplied by the shared-credentials-file provider",
            &format!("Endpoint: {url} (from --endpoint-url)"),
            "Attempt 1 of 3: service error InternalServiceException (HTTP 500)",
            "Attempt 2 of 3: succeeded",
        ],
    );
    let signature = server.requests()[0].header("authorization").unwrap().rsplit('=').next().unwrap().to_owned();
    assert_no_secrets(
        &r.stderr,
        &[SECRET_ACCESS_KEY, "ENV-SECRET", "SECRET-TOKEN", &signature, "Mary", "marym@example.com"],
    );
}

#[test]
fn region_and_endpoint_from_the_configuration() {
    let server = Server::start(vec![Reply::empty(200)]);
    let env = crate::common::aws_env().var("AWS_ENDPOINT_URL_CONNECT", &server.url());
    let mut args = SEED.to_vec();
    args.push("--debug");
    let r = env.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_lines(
        &r.stderr,
        &[
            "Profile: default (the default)",
            "Credentials: supplied by the env provider",
            &format!(
                "Endpoint: {} (from AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL or the profile's endpoint_url)",
                server.url()
            ),
        ],
    );
}

/// A response's `@sensitive` members are shown redacted in the log, and printed on stdout.
#[test]
fn response_bodies_are_logged_with_sensitive_members_redacted() {
    let body = r#"{"Credentials": {"AccessToken": "SECRET-ACCESS-TOKEN", "RefreshToken": "SECRET-REFRESH"}, "SignInUrl": "https://example.com/x"}"#;
    let server = Server::start(vec![Reply::json(200, body)]);
    let r = crate::common::aws_env().run(&[
        "get-federation-token",
        "--instance-id",
        "i-1",
        "--endpoint-url",
        &server.url(),
        "--debug",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("SECRET-ACCESS-TOKEN"), "{}", r.stdout);
    assert_no_secrets(&r.stderr, &["SECRET-ACCESS-TOKEN", "SECRET-REFRESH"]);
    assert!(r.stderr.contains("https://example.com/x"), "the body's other members are shown:\n{}", r.stderr);
    assert!(r.stderr.contains("*** Sensitive Data Redacted ***"), "{}", r.stderr);
}

/// A failed attempt says how it failed; a proxy's password is never shown.
#[test]
fn a_failed_attempt_and_a_proxy_password() {
    let r = crate::common::aws_env()
        .var("AWS_MAX_ATTEMPTS", "1")
        .var("http_proxy", "http://admin:PROXY-PASSWORD@127.0.0.1:9")
        .run(&[SEED, &["--endpoint-url", "http://127.0.0.1:9", "--debug"]].concat());
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert_lines(&r.stderr, &["Attempt 1 of 1: the connection failed"]);
    assert_no_secrets(&r.stderr, &["PROXY-PASSWORD", "admin"]);
}
