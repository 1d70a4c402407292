//! Requests on the wire against the loopback server: the exact request, its signature, retries,
//! service and transport errors, credentials and region sources, and `--debug` redaction.

use std::time::Duration;

use crate::common::{Env, Run};
use loopback::{ACCESS_KEY_ID, Captured, REGION, Reply, SECRET_ACCESS_KEY, Server, SigCheck};

const OP: &str = "update-user-identity-info";
const SEED: &[&str] = &[
    "--identity-info",
    "FirstName=Mary,LastName=Major,Email=marym@example.com",
    "--user-id",
    "87654321-2222-1234-1234-111234567891",
    "--instance-id",
    "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
];

/// An environment with the test credentials and region, and no instance metadata lookups.
fn env() -> Env {
    crate::common::aws_env()
}

fn seed(env: &Env, server: &Server, extra: &[&str]) -> Run {
    let url = server.url();
    let mut args = vec![OP];
    args.extend_from_slice(SEED);
    args.extend_from_slice(&["--endpoint-url", &url]);
    args.extend_from_slice(extra);
    env.run(&args)
}

/// The request as pinned in snapshots: method, target, the headers that do not change from run to
/// run, and the body.
fn request_snapshot(r: &Captured) -> String {
    let stable = ["content-type", "content-length", "host"];
    let mut out = format!("{} {}\n", r.method, r.target);
    for h in &r.headers {
        if stable.contains(&h.name.as_str()) {
            let value = if h.name == "host" { "127.0.0.1:<port>" } else { h.value.as_str() };
            out.push_str(&format!("{}: {value}\n", h.name));
        }
    }
    out.push_str(&format!("signature: {:?}\n\n{}", r.signature, r.body_text()));
    out
}

#[test]
fn seed_example_sends_the_aws_cli_request() {
    let server = Server::start(vec![Reply::empty(200)]);
    let r = seed(&env(), &server, &[]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.target,
        "/users/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/87654321-2222-1234-1234-111234567891/identity-info"
    );
    assert_eq!(
        req.body_text(),
        r#"{"IdentityInfo":{"FirstName":"Mary","LastName":"Major","Email":"marym@example.com"}}"#
    );
    assert_eq!(req.signature, SigCheck::Verified);
    assert!(req.header("user-agent").is_some_and(|ua| ua.starts_with("aws-connect/")));
    assert!(req.header("amz-sdk-invocation-id").is_some());
    assert_eq!(req.header("amz-sdk-request"), Some("attempt=1; max=3"));
    insta::assert_snapshot!("seed_request", request_snapshot(req));
}

#[test]
fn tricky_ids_are_percent_encoded_and_signed() {
    let server = Server::start(vec![Reply::empty(200)]);
    let r = env().run(&[
        OP,
        "--identity-info",
        "{\"FirstName\": \"Zoë\", \"Mobile\": \"+15555550100\"}",
        "--user-id",
        "user/with space?&#%ü😀",
        "--instance-id",
        "arn:aws:connect:us-east-1:123456789012:instance/abc",
        "--endpoint-url",
        &server.url(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = &server.requests()[0];
    assert_eq!(req.signature, SigCheck::Verified);
    insta::assert_snapshot!("tricky_ids_request", request_snapshot(req));
}

#[test]
fn throttling_twice_then_success_is_three_requests() {
    let server = Server::start(vec![
        Reply::error(429, "ThrottlingException", "Rate exceeded"),
        Reply::error(429, "ThrottlingException", "Rate exceeded"),
        Reply::empty(200),
    ]);
    let r = seed(&env(), &server, &[]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|q| q.signature == SigCheck::Verified), "each attempt is signed");
    assert_eq!(requests[2].header("amz-sdk-request").map(|h| h.contains("attempt=3; max=3")), Some(true));
}

#[test]
fn server_errors_until_give_up() {
    let server = Server::start(vec![Reply::error(500, "InternalServiceException", "Try again")]);
    let r = seed(&env(), &server, &[]);
    assert_eq!(server.requests().len(), 3);
    insta::assert_snapshot!(r.snapshot(), @r"
    exit_code: 254
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (InternalServiceException) when calling the UpdateUserIdentityInfo operation (reached max retries: 2): Try again
    ");
}

#[test]
fn max_attempts_from_the_environment() {
    let server = Server::start(vec![Reply::error(429, "ThrottlingException", "Rate exceeded")]);
    let r = seed(&env().var("AWS_MAX_ATTEMPTS", "1"), &server, &[]);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(r.code, 254);
    assert!(r.stderr.contains("operation (reached max retries: 0): Rate exceeded"), "{}", r.stderr);
}

#[test]
fn modeled_errors_are_not_retried_and_show_their_details() {
    let server = Server::start(vec![
        Reply::json(
            400,
            r#"{"message": "Bad file", "Reason": {"AttachedFileInvalidRequestExceptionReason": "INVALID_FILE_SIZE"}}"#,
        )
        .header("x-amzn-ErrorType", "InvalidRequestException:http://internal.amazon.com/"),
    ]);
    let r = seed(&env(), &server, &[]);
    assert_eq!(server.requests().len(), 1);
    insta::assert_snapshot!(r.snapshot(), @r"
    exit_code: 254
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (InvalidRequestException) when calling the UpdateUserIdentityInfo operation: Bad file

    Additional error details:
    Reason: {AttachedFileInvalidRequestExceptionReason: INVALID_FILE_SIZE}
    ");
}

/// What the AWS CLI v2 writes for a service error with `--cli-error-format json`, from botocore
/// (installed): its JSON error parser and the modeled fields `Endpoint._add_modeled_error_fields`
/// adds, then v2's selection (`errorhandler.py` at 2.36.7, restated here as v1 lacks it: the
/// `Error` dict, the response's other fields that the error shape models, nothing unmodeled),
/// written as its JSON formatter writes it.
fn json_error_oracle(operation: &str, status: u16, headers: &[(&str, &str)], body: &str) -> String {
    use std::io::Write;
    let script = r#"
import json, sys
from botocore.session import get_session
from botocore.parsers import create_parser
job = json.load(sys.stdin)
model = get_session().get_service_model('connect')
parser = create_parser('rest-json')
response = {'status_code': job['status'], 'headers': {k.lower(): v for k, v in job['headers']}, 'body': job['body'].encode()}
parsed = parser.parse(response, model.operation_model(job['operation']).output_shape)
shape = model.shape_for_error_code(parsed['Error']['Code'])
if shape is not None:
    parsed.update(parser.parse(response, shape))
modeled = {'code', 'message'} | {m.lower() for m in (shape.members if shape else [])}
error = dict(parsed['Error'])
for key, value in parsed.items():
    if key not in ('Error', 'ResponseMetadata', 'Code', 'Message') and key not in error and key.lower() in modeled:
        error[key] = value
for key in list(error):
    if key.lower() not in modeled:
        del error[key]
sys.stdout.write(json.dumps(error, indent=4, ensure_ascii=False) + '\n')
"#;
    let job = serde_json::json!({"operation": operation, "status": status, "headers": headers, "body": body});
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with botocore is needed: pip install -r .ci/requirements.txt");
    child.stdin.take().expect("stdin").write_all(job.to_string().as_bytes()).expect("job");
    let out = child.wait_with_output().expect("oracle");
    assert!(out.status.success(), "the botocore oracle failed: pip install -r .ci/requirements.txt");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// `--cli-error-format json` writes a service error's document in botocore's order: `Message`,
/// `Code`, then the modeled fields (the formats that sort keys, and the enhanced one, hide it).
#[test]
fn a_service_error_as_json_keeps_botocores_order() {
    let body = r#"{"Reason": {"AttachedFileInvalidRequestExceptionReason": "INVALID_FILE_SIZE"}, "message": "Bad file", "Unmodeled": 1}"#;
    let headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InvalidRequestException")];
    let server = Server::start(vec![Reply::json(400, body).header(headers[1].0, headers[1].1)]);
    let r = seed(&env(), &server, &["--cli-error-format", "json"]);
    let expected = json_error_oracle("UpdateUserIdentityInfo", 400, &headers, body);
    assert!(expected.starts_with("{\n    \"Message\": \"Bad file\",\n    \"Code\""), "{expected}");
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (254, "", expected.as_str()));
}

#[test]
fn not_found_is_reported_once() {
    let server = Server::start(vec![Reply::error(404, "ResourceNotFoundException", "User not found")]);
    let r = seed(&env(), &server, &[]);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(r.code, 254);
    assert_eq!(
        r.stderr,
        "\naws-connect: [ERROR]: An error occurred (ResourceNotFoundException) when calling the UpdateUserIdentityInfo operation: User not found\n"
    );
}

#[test]
fn no_sign_request_sends_no_authorization() {
    let server = Server::start(vec![Reply::empty(200)]);
    let r = seed(&Env::new().var("AWS_REGION", REGION), &server, &["--no-sign-request"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests()[0].signature, SigCheck::Missing);
}

#[test]
fn no_region() {
    let server = Server::start(vec![Reply::empty(200)]);
    let env = Env::new()
        .var("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .var("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .var("AWS_EC2_METADATA_DISABLED", "true");
    let r = seed(&env, &server, &[]);
    assert!(server.requests().is_empty());
    insta::assert_snapshot!(r.snapshot(), @r#"
    exit_code: 253
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (NoRegion): You must specify a region. You can also configure your region by running "aws configure".
    "#);
}

#[test]
fn no_credentials() {
    let server = Server::start(vec![Reply::empty(200)]);
    let env = Env::new().var("AWS_REGION", REGION).var("AWS_EC2_METADATA_DISABLED", "true");
    let r = seed(&env, &server, &[]);
    assert!(server.requests().is_empty());
    insta::assert_snapshot!(r.snapshot(), @r#"
    exit_code: 253
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running "aws login".
    "#);
}

#[test]
fn profile_from_the_configuration_files() {
    let server = Server::builder().region("eu-west-2").start(vec![Reply::empty(200)]);
    let env = Env::new().var("AWS_EC2_METADATA_DISABLED", "true");
    std::fs::create_dir_all(env.path(".aws")).unwrap();
    std::fs::write(env.path(".aws/config"), "[profile work]\nregion = eu-west-2\n").unwrap();
    std::fs::write(
        env.path(".aws/credentials"),
        format!("[work]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n"),
    )
    .unwrap();
    let r = seed(&env, &server, &["--profile", "work"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests()[0].signature, SigCheck::Verified);
    // The same through AWS_PROFILE.
    let r = seed(&env.var("AWS_PROFILE", "work"), &server, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn session_tokens_are_sent_and_never_printed() {
    let server = Server::builder().session_token("SECRET-SESSION-TOKEN").start(vec![Reply::empty(200)]);
    let r = seed(&env().var("AWS_SESSION_TOKEN", "SECRET-SESSION-TOKEN"), &server, &["--debug"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests()[0].signature, SigCheck::Verified);
    let signature = server.requests()[0].header("authorization").unwrap().rsplit('=').next().unwrap().to_owned();
    for secret in ["SECRET-SESSION-TOKEN", SECRET_ACCESS_KEY, signature.as_str(), "Mary", "Major", "marym@example.com"]
    {
        assert!(!r.stderr.contains(secret), "--debug printed {secret}:\n{}", r.stderr);
    }
    assert!(r.stderr.contains("Sending request: POST http://127.0.0.1:"), "{}", r.stderr);
    assert!(r.stderr.contains("Response: 200"), "{}", r.stderr);
}

#[test]
fn read_timeout() {
    let server = Server::start(vec![Reply::delay(Duration::from_secs(5), Reply::empty(200))]);
    let r = seed(&env().var("AWS_MAX_ATTEMPTS", "1"), &server, &["--cli-read-timeout", "1"]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("\naws-connect: [ERROR]: Read timeout on endpoint URL: \"http://127.0.0.1:"),
        "{}",
        r.stderr
    );
}

#[test]
fn closed_connection() {
    let server = Server::start(vec![Reply::close()]);
    let r = seed(&env().var("AWS_MAX_ATTEMPTS", "1"), &server, &[]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(server.requests().len() == 1);
}

#[test]
fn unreachable_endpoint() {
    // A port nothing listens on: take one from a server that is gone.
    let url = Server::start(vec![]).url();
    let r = env().var("AWS_MAX_ATTEMPTS", "1").run(&[
        OP,
        SEED[0],
        SEED[1],
        SEED[2],
        SEED[3],
        SEED[4],
        SEED[5],
        "--endpoint-url",
        &url,
    ]);
    assert_eq!(r.code, 255);
    assert_eq!(
        r.stderr,
        format!(
            "\naws-connect: [ERROR]: Could not connect to the endpoint URL: \"{url}/users/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111/87654321-2222-1234-1234-111234567891/identity-info\"\n"
        )
    );
}

/// As botocore (`ProxyConnectionError`): a connection that fails through a proxy names the proxy,
/// its credentials masked; `NO_PROXY` exempts the endpoint's host.
#[test]
fn unreachable_proxy() {
    let server = Server::start(vec![Reply::empty(200), Reply::empty(200)]);
    // A port nothing listens on: that of a server that is gone.
    let proxy_port = Server::start(vec![]).addr().port();
    let proxy = format!("http://user:secret@127.0.0.1:{proxy_port}");
    let url = server.url();
    let args = [OP, SEED[0], SEED[1], SEED[2], SEED[3], SEED[4], SEED[5], "--endpoint-url", &url];
    let r = env().var("AWS_MAX_ATTEMPTS", "1").var("HTTP_PROXY", &proxy).run(&args);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("\naws-connect: [ERROR]: Failed to connect to proxy URL: \"http://***:***@127.0.0.1:{proxy_port}\"\n")
    );
    assert!(server.requests().is_empty());
    // The lower-case variable wins, even empty; NO_PROXY names the host.
    for (name, value) in [("http_proxy", ""), ("NO_PROXY", "127.0.0.1")] {
        let r = env().var("HTTP_PROXY", &proxy).var(name, value).run(&args);
        assert_eq!(r.code, 0, "{name}={value}: {}", r.stderr);
    }
    assert_eq!(server.requests().len(), 2);
}

/// As botocore: container credentials are fetched directly, whatever the proxy variables say;
/// the operation then goes through the proxy (here unreachable), unless NO_PROXY exempts it.
#[test]
fn container_credentials_are_fetched_without_a_proxy() {
    let creds = r#"{"AccessKeyId": "AKIDCONTAINER", "SecretAccessKey": "container-secret", "Token": "container-token", "Expiration": "2099-01-01T00:00:00Z"}"#;
    let creds_server = Server::start(vec![Reply::json(200, creds), Reply::json(200, creds)]);
    let server = Server::builder()
        .credentials("AKIDCONTAINER", "container-secret")
        .session_token("container-token")
        .start(vec![Reply::empty(200)]);
    let gone = Server::start(vec![]).addr().port();
    let container = Env::new()
        .var("AWS_REGION", REGION)
        .var("AWS_EC2_METADATA_DISABLED", "true")
        .var("AWS_MAX_ATTEMPTS", "1")
        .var("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{}/creds", creds_server.url()))
        .var("HTTP_PROXY", &format!("http://127.0.0.1:{gone}"));
    let r = seed(&container, &server, &[]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("\naws-connect: [ERROR]: Failed to connect to proxy URL: \"http://127.0.0.1:{gone}\"\n")
    );
    assert_eq!((creds_server.requests().len(), server.requests().len()), (1, 0));

    let r = seed(&container.var("NO_PROXY", "127.0.0.1"), &server, &[]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!((creds_server.requests().len(), server.requests().len()), (2, 1));
    assert_eq!(server.errors(), Vec::<String>::new(), "signed with the container's credentials");
}

/// As botocore: when assuming a role cannot reach STS through the proxy, the proxy is named.
#[test]
fn assume_role_through_an_unreachable_proxy() {
    let server = Server::start(vec![]);
    let gone = Server::start(vec![]).addr().port();
    let env = Env::new()
        .var("AWS_EC2_METADATA_DISABLED", "true")
        .var("AWS_MAX_ATTEMPTS", "1")
        .var("HTTPS_PROXY", &format!("http://user:pw@127.0.0.1:{gone}"));
    std::fs::create_dir_all(env.path(".aws")).unwrap();
    std::fs::write(
        env.path(".aws/config"),
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        env.path(".aws/credentials"),
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
    let r = seed(&env, &server, &["--profile", "role"]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("\naws-connect: [ERROR]: Failed to connect to proxy URL: \"http://***:***@127.0.0.1:{gone}\"\n")
    );
    assert!(server.requests().is_empty());
}

/// A credential source that fails says why, as a chain of causes (no Debug dump).
#[test]
fn a_failing_credential_source_says_why() {
    let gone = Server::start(vec![]).url();
    let server = Server::start(vec![]);
    let env = Env::new()
        .var("AWS_REGION", REGION)
        .var("AWS_EC2_METADATA_DISABLED", "true")
        .var("AWS_CONTAINER_CREDENTIALS_FULL_URI", &format!("{gone}/creds"));
    let r = seed(&env, &server, &[]);
    assert_eq!(r.code, 255, "{}", r.stderr);
    assert!(r.stderr.ends_with("Connection refused (os error 111)\n"), "{}", r.stderr);
    assert!(!r.stderr.contains('{'), "{}", r.stderr);
    assert!(server.requests().is_empty());
}

#[test]
fn endpoint_url_needs_a_scheme() {
    let r = env().run(&[OP, SEED[0], SEED[1], SEED[2], SEED[3], SEED[4], SEED[5], "--endpoint-url", "notaurl"]);
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("Bad value for --endpoint-url \"notaurl\": scheme is missing."), "{}", r.stderr);
}

#[test]
fn endpoint_from_the_environment() {
    let server = Server::start(vec![Reply::empty(200)]);
    let r = env()
        .var("AWS_ENDPOINT_URL_CONNECT", &server.url())
        .run(&[OP, SEED[0], SEED[1], SEED[2], SEED[3], SEED[4], SEED[5]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn query_on_an_empty_response() {
    let server = Server::start(vec![Reply::empty(200)]);
    let r = seed(&env(), &server, &["--query", "IdentityInfo"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "null\n"));
    let r = seed(&env(), &server, &["--query", "IdentityInfo", "--output", "text"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "None\n"));
    let r = seed(&env(), &server, &["--query", "{a: `1`, b: 'x'}", "--output", "json"]);
    assert_eq!(r.stdout, "{\n    \"a\": 1,\n    \"b\": \"x\"\n}\n");
    let r = seed(&env(), &server, &["--query", "{a: `1`, b: 'x'}", "--output", "text"]);
    assert_eq!(r.stdout, "1\tx\n");
    let r = seed(&env(), &server, &["--query", "{a: `1`, b: 'x'}", "--output", "table"]);
    insta::assert_snapshot!(r.stdout, @r"
    ------------------------
    |UpdateUserIdentityInfo|
    +----------+-----------+
    |     a    |     b     |
    +----------+-----------+
    |  1       |  x        |
    +----------+-----------+
    ");
}

#[test]
fn bad_input_sends_nothing() {
    let server = Server::start(vec![Reply::empty(200)]);
    let url = server.url();
    let cases: &[&[&str]] = &[
        &[OP, "--identity-info", "FirstName", "--user-id", "u", "--instance-id", "i"],
        &[OP, "--identity-info", "{\"FirstName\":", "--user-id", "u", "--instance-id", "i"],
        &[OP, "--identity-info", "Nickname=M", "--user-id", "u", "--instance-id", "i"],
        &[OP, "--identity-info", "FirstName=M", "--user-id", "..", "--instance-id", "i"],
        &[OP, "--identity-info", "FirstName=M", "--user-id", "u", "--instance-id", ""],
        &[OP, "--identity-info", "file:///nonexistent/x.json", "--user-id", "u", "--instance-id", "i"],
        &[OP, "--cli-input-json", "{\"UserId\": \"u\"}"],
        &[OP, "--cli-input-json", "[1]"],
        &[OP, "--cli-input-yaml", "a: ["],
        &[OP, "--identity-info", "FirstName=M", "--user-id", "u"],
        &[OP, "--bogus-option", "x"],
        &[OP, "--user-id"],
    ];
    let mut transcript = String::new();
    for args in cases {
        let mut full = args.to_vec();
        full.extend_from_slice(&["--endpoint-url", &url]);
        let r = env().run(&full);
        assert_eq!(r.code, 252, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        transcript.push_str(&format!(
            "$ aws-connect {}
exit {}{}
",
            args.join(" "),
            r.code,
            r.stderr
        ));
    }
    assert!(server.requests().is_empty(), "a request was sent after an input error");
    insta::assert_snapshot!("bad_input", transcript);
}

#[test]
fn response_timestamps_in_the_local_time_zone() {
    // The AWS CLI prints datetime.fromtimestamp(value, tzlocal()).isoformat().
    let server = Server::start(vec![Reply::json(
        200,
        r#"{"InstanceSummaryList": [{"Id": "i-1", "CreatedTime": 1577934245.5}]}"#,
    )]);
    let url = server.url();
    let args = ["list-instances", "--endpoint-url", &url, "--query", "InstanceSummaryList[0].CreatedTime"];
    let r = env().var("TZ", "Europe/Paris").run(&args);
    assert_eq!((r.code, r.stdout.as_str()), (0, "\"2020-01-02T04:04:05.500000+01:00\"\n"), "{}", r.stderr);
    let r = env().var("TZ", "UTC").run(&args);
    assert_eq!(r.stdout, "\"2020-01-02T03:04:05.500000+00:00\"\n");
}
