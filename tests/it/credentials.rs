//! Which credentials sign the request, side by side with the AWS CLI: every precedence pair of
//! botocore's credential chain (environment, `--profile` and `AWS_PROFILE`, the credentials and
//! config files, `credential_process`, container credentials), each source with its own access
//! key id, and the key id in the `Authorization` header of aws-connect's request must be the one
//! in the AWS CLI's. AWS CLI v1 and v2 share botocore's chain for these sources
//! (`create_credential_resolver`: an explicit `--profile` removes the environment provider).
//!
//! Also: temporary credentials are fetched anew when they are about to expire, during a long
//! pagination.

use std::path::Path;
use std::process::{Command, Stdio};

use loopback::{Reply, SECRET_ACCESS_KEY, Server};

const OP: [&str; 7] =
    ["update-user-identity-info", "--identity-info", "FirstName=Mary", "--user-id", "u-1", "--instance-id", "i-1"];

/// One precedence case: the environment and files both tools get, and the source that wins.
struct Case {
    name: &'static str,
    args: &'static [&'static str],
    env: Vec<(&'static str, String)>,
    config: String,
    credentials: String,
    expected: &'static str,
}

fn keys(id: &str) -> String {
    format!("aws_access_key_id = {id}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

/// A `credential_process` line that prints keys with id `AKIDPROCESS`.
fn process() -> String {
    "credential_process = sh {dir}/process.sh\n".to_owned()
}

fn env_keys() -> Vec<(&'static str, String)> {
    vec![("AWS_ACCESS_KEY_ID", "AKIDENV".to_owned()), ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned())]
}

fn cases() -> Vec<Case> {
    let container = ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "{container}".to_owned());
    let with = |mut env: Vec<(&'static str, String)>, extra: &[(&'static str, &str)]| {
        env.extend(extra.iter().map(|&(k, v)| (k, v.to_owned())));
        env
    };
    vec![
        Case {
            name: "environment over the credentials file",
            args: &[],
            env: env_keys(),
            config: String::new(),
            credentials: format!("[default]\n{}", keys("AKIDCREDFILE")),
            expected: "AKIDENV",
        },
        Case {
            name: "--profile over the environment",
            args: &["--profile", "dev"],
            env: env_keys(),
            config: String::new(),
            credentials: format!("[dev]\n{}", keys("AKIDCREDFILE")),
            expected: "AKIDCREDFILE",
        },
        Case {
            name: "environment over AWS_PROFILE",
            args: &[],
            env: with(env_keys(), &[("AWS_PROFILE", "dev")]),
            config: String::new(),
            credentials: format!("[dev]\n{}", keys("AKIDCREDFILE")),
            expected: "AKIDENV",
        },
        Case {
            name: "--profile with its keys in the config file over the environment",
            args: &["--profile", "dev"],
            env: env_keys(),
            config: format!("[profile dev]\n{}", keys("AKIDCONFIG")),
            credentials: String::new(),
            expected: "AKIDCONFIG",
        },
        Case {
            name: "credentials file over config file",
            args: &[],
            env: vec![],
            config: format!("[default]\n{}", keys("AKIDCONFIG")),
            credentials: format!("[default]\n{}", keys("AKIDCREDFILE")),
            expected: "AKIDCREDFILE",
        },
        Case {
            name: "credentials file over credential_process",
            args: &[],
            env: vec![],
            config: format!("[default]\n{}", process()),
            credentials: format!("[default]\n{}", keys("AKIDCREDFILE")),
            expected: "AKIDCREDFILE",
        },
        Case {
            name: "credential_process over keys in the config file",
            args: &[],
            env: vec![],
            config: format!("[default]\n{}{}", process(), keys("AKIDCONFIG")),
            credentials: String::new(),
            expected: "AKIDPROCESS",
        },
        Case {
            name: "--profile with credential_process over the environment",
            args: &["--profile", "dev"],
            env: env_keys(),
            config: format!("[profile dev]\n{}", process()),
            credentials: String::new(),
            expected: "AKIDPROCESS",
        },
        Case {
            name: "config file over container credentials",
            args: &[],
            env: vec![container.clone()],
            config: format!("[default]\n{}", keys("AKIDCONFIG")),
            credentials: String::new(),
            expected: "AKIDCONFIG",
        },
        Case {
            name: "environment over container credentials",
            args: &[],
            env: with(env_keys(), &[(container.0, &container.1)]),
            config: String::new(),
            credentials: String::new(),
            expected: "AKIDENV",
        },
        Case {
            name: "--profile without keys: container credentials, not the environment",
            args: &["--profile", "dev"],
            env: with(env_keys(), &[(container.0, &container.1)]),
            config: "[profile dev]\nregion = us-east-1\n".to_owned(),
            credentials: String::new(),
            expected: "AKIDCONTAINER",
        },
        Case {
            name: "AWS_PROFILE without keys: the environment",
            args: &[],
            env: with(env_keys(), &[("AWS_PROFILE", "dev"), (container.0, &container.1)]),
            config: "[profile dev]\nregion = us-east-1\n".to_owned(),
            credentials: String::new(),
            expected: "AKIDENV",
        },
    ]
}

/// The access key id of a request's `Authorization` header.
fn access_key_id(authorization: &str) -> String {
    authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("<no Credential=>")
        .to_owned()
}

/// Runs one tool for a case; returns the access key id that signed its request, or its stderr.
fn signer(case: &Case, program: &str, prefix: &[&str]) -> Result<String, String> {
    let server = Server::start(vec![Reply::empty(200)]);
    let container = Server::start(vec![Reply::json(
        200,
        format!(
            r#"{{"AccessKeyId": "AKIDCONTAINER", "SecretAccessKey": "{SECRET_ACCESS_KEY}", "Token": "t", "Expiration": "2099-01-01T00:00:00Z"}}"#
        ),
    )]);
    let dir = tempfile::tempdir().expect("temp dir");
    let dir_text = dir.path().to_str().expect("UTF-8 temp dir");
    let subst =
        |s: &str| s.replace("{dir}", dir_text).replace("{container}", &format!("{}/credentials", container.url()));
    std::fs::create_dir_all(dir.path().join(".aws")).expect("mkdir");
    std::fs::write(dir.path().join(".aws/config"), subst(&case.config)).expect("config");
    std::fs::write(dir.path().join(".aws/credentials"), subst(&case.credentials)).expect("credentials");
    std::fs::write(
        dir.path().join("process.sh"),
        format!(
            "printf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"{SECRET_ACCESS_KEY}\"}}'\n"
        ),
    )
    .expect("process script");
    let mut argv: Vec<String> = prefix.iter().map(|s| s.to_string()).collect();
    argv.extend(OP.iter().map(|s| s.to_string()));
    argv.extend(["--endpoint-url".to_owned(), server.url()]);
    argv.extend(case.args.iter().map(|s| s.to_string()));
    let mut env: Vec<(String, String)> = vec![
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
    ];
    env.extend(case.env.iter().map(|(k, v)| (k.to_string(), subst(v))));
    let out = run(program, &argv, &env, dir.path());
    match server.requests().first().and_then(|r| r.header("authorization").map(access_key_id)) {
        Some(id) => Ok(id),
        None => {
            Err(format!("no signed request (exit {:?}): {}", out.status.code(), String::from_utf8_lossy(&out.stderr)))
        }
    }
}

fn run(program: &str, argv: &[String], env: &[(String, String)], dir: &Path) -> std::process::Output {
    Command::new(program)
        .args(argv)
        .env_clear()
        .env("HOME", dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e} (the AWS CLI is needed: pip install -r .ci/requirements.txt)")
        })
}

#[test]
fn the_same_credentials_sign_as_in_the_aws_cli() {
    let ours = crate::common::binary();
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let theirs = signer(case, "aws", &["connect"]);
        let mine = signer(case, &ours, &[]);
        if theirs.as_deref() != Ok(case.expected) {
            failures
                .push(format!("{}: the AWS CLI signed with {theirs:?}, the case expects {}", case.name, case.expected));
        }
        if mine != theirs {
            failures.push(format!("{}: aws-connect signed with {mine:?}, the AWS CLI with {theirs:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// Temporary credentials from `credential_process` that expire within botocore's refresh window
/// are fetched again before each page: every page of a long pagination is signed with fresh
/// credentials, and the pagination completes.
#[test]
fn temporary_credentials_are_refreshed_during_pagination() {
    let page = |n: u32, next: Option<&str>| {
        let token = next.map(|t| format!(r#", "NextToken": "{t}""#)).unwrap_or_default();
        Reply::json(200, format!(r#"{{"UserSummaryList": [{{"Id": "user-{n}"}}]{token}}}"#))
    };
    let server = Server::start(vec![page(1, Some("a")), page(2, Some("b")), page(3, None)]);
    let env = crate::common::Env::new().var("AWS_REGION", "us-east-1").var("AWS_EC2_METADATA_DISABLED", "true");
    let dir = env.home.path();
    std::fs::create_dir_all(dir.join(".aws")).unwrap();
    // Each run of the process counts itself and hands out a new session token that expires in
    // five minutes (inside the ten-minute window in which botocore refreshes).
    std::fs::write(
        dir.join("process.sh"),
        format!(
            "n=$(( $(cat {d}/count 2>/dev/null || echo 0) + 1 )); echo $n > {d}/count\n\
             exp=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"Version\": 1, \"AccessKeyId\": \"AKIDTEMP\", \"SecretAccessKey\": \"{SECRET_ACCESS_KEY}\", \"SessionToken\": \"token-%s\", \"Expiration\": \"%s\"}}' $n $exp\n",
            d = dir.display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join(".aws/config"),
        format!("[default]\ncredential_process = sh {}/process.sh\n", dir.display()),
    )
    .unwrap();
    let run = env.run(&["list-users", "--instance-id", "i-1", "--endpoint-url", &server.url(), "--output", "text"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 3, "{}", run.stdout);
    let tokens: Vec<String> =
        server.requests().iter().map(|r| r.header("x-amz-security-token").unwrap_or("<none>").to_owned()).collect();
    assert_eq!(tokens.len(), 3);
    let mut distinct = tokens.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "each page was signed with fresh credentials: {tokens:?}");
}
