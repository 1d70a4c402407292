//! Conformance, black-box and side by side: each command line runs through `aws-connect` and the
//! installed AWS CLI (v1, `aws connect …`, from pip) against identical loopback servers, and the two
//! runs must agree on the requests sent, stdout and the class of the outcome.
//!
//! # What is compared
//!
//! For every case, each tool gets a fresh [`Server`] with the same script, a fresh temporary
//! directory (its `HOME` and working directory, holding the case's files) and a cleared
//! environment: the test credentials, `AWS_REGION` and `AWS_DEFAULT_REGION` (v1 reads only the
//! latter, v2 reads the former first), `AWS_EC2_METADATA_DISABLED=true`, `AWS_PAGER=` and the
//! case's own variables. `--endpoint-url <server>` follows the operation name unless the case
//! says otherwise. Then:
//!
//! - the requests: how many (attempts), and for each its method, request target (path and query,
//!   byte for byte), body (parsed as JSON and compared as values; v1 writes `", "` separators,
//!   we write compact JSON) and whether its SigV4 signature verifies;
//! - stdout, exactly, after the normalisations of [`normalise`];
//! - the class of the outcome ([`Class`]). AWS CLI v1 does not use v2's exit codes: it exits 255
//!   for parameter, configuration and transport errors alike, 254 for service errors and 2 for
//!   argparse errors (printed as `aws: error: …`). Its
//!   class is therefore derived from its exit code and stderr ([`v1_class`]), and OUR exit code
//!   must be the one AWS CLI v2 gives that class (behaviour doc §g: 0, 252, 253, 254, 255).
//!   stderr texts are not compared: v1 words several messages differently.
//!
//! # What is not compared side by side
//!
//! - Features AWS CLI v1 lacks (`--cli-input-yaml`, `--generate-cli-skeleton yaml-input`,
//!   `--output yaml`, the `AWS_REGION` variable): the case either runs v1 with the equivalent
//!   command line (the same input as JSON, the region in `AWS_DEFAULT_REGION`) and compares as
//!   usual, or pins our own output and checks that v1 indeed refuses the option.
//! - Deliberate differences: aws-connect refuses, before sending anything, URI labels that are
//!   empty, `.` or `..` and values beyond the model's `@length`/`@range` maxima or outside its
//!   enums; botocore only checks minima and sends the rest. Those cases pin our outcome (exit 252,
//!   no request) and what v1 did.
//!
//! All mismatches are collected and reported together; the suite fails when there is any, or when
//! fewer than 60 command lines were compared.

use std::collections::VecDeque;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use loopback::{ACCESS_KEY_ID, Captured, REGION, SECRET_ACCESS_KEY, Server, SigCheck};
use serde_json::Value;

mod cases;

use cases::{Case, Endpoint, Judge, Pinned, cases};

const OP: &str = "update-user-identity-info";
const USER: &str = "87654321-2222-1234-1234-111234567891";
const INSTANCE: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
/// Worker threads: v1 spends ~0.4 s of CPU per run; the cases' retry back-offs and read timeouts
/// are waits, so a few more threads than cores keep both cores busy.
const WORKERS: usize = 6;
/// A run that takes longer is killed and reported.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// The class of an outcome, with the exit code AWS CLI v2 (and so aws-connect) gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Success,
    /// Parameter, argparse and validation errors.
    Param,
    /// No region, no credentials, unknown profile.
    Config,
    /// An error response of the service.
    Service,
    /// Anything else: connection errors, timeouts.
    Other,
}

impl Class {
    /// AWS CLI v2's exit code for the class (awscli/constants.py; behaviour doc §g).
    fn v2_code(self) -> i32 {
        match self {
            Class::Success => 0,
            Class::Param => 252,
            Class::Config => 253,
            Class::Service => 254,
            Class::Other => 255,
        }
    }

    fn of_v2_code(code: i32) -> Option<Class> {
        [Class::Success, Class::Param, Class::Config, Class::Service, Class::Other]
            .into_iter()
            .find(|c| c.v2_code() == code)
    }
}

/// The class of an AWS CLI v1 outcome. v1 exits 0 on success, 2 on argparse errors
/// (`aws: error: …`), 254 on service errors and 255 on everything else, so a 255 is told apart by
/// its message.
fn v1_class(code: i32, stderr: &str) -> Class {
    const PARAM: &[&str] = &[
        "Parameter validation failed",
        "Error parsing parameter",
        "Unknown options:",
        "Invalid JSON",
        "Bad value for --",
        "Only one --cli-input-",
        "Invalid type for parameter",
    ];
    const CONFIG: &[&str] = &["You must specify a region", "Unable to locate credentials", "partial credentials"];
    match code {
        0 => Class::Success,
        2 if stderr.contains("aws: error:") => Class::Param,
        254 => Class::Service,
        255 if PARAM.iter().any(|m| stderr.contains(m)) => Class::Param,
        255 if CONFIG.iter().any(|m| stderr.contains(m)) => Class::Config,
        255 if stderr.contains("An error occurred (") && stderr.contains("when calling the") => Class::Service,
        // Everything else, including botocore's ProfileNotFound (`The config profile (x) could not
        // be found`), which AWS CLI v2 too leaves to its general handler (awscli/errorhandler.py:
        // ConfigurationErrorHandler handles only awscli's own ConfigurationError), exit 255.
        _ => Class::Other,
    }
}

/// What one tool did.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    requests: Vec<Request>,
}

/// A request as compared: method, target, signature check, body.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    signature: &'static str,
    body: Body,
}

#[derive(Debug, PartialEq)]
enum Body {
    Empty,
    Json(Value),
    Raw(String),
}

impl PartialEq for Request {
    fn eq(&self, other: &Request) -> bool {
        (&self.method, &self.target, self.signature, &self.body)
            == (&other.method, &other.target, other.signature, &other.body)
    }
}

impl Request {
    fn of(captured: &Captured) -> Request {
        let body = if captured.body.is_empty() {
            Body::Empty
        } else {
            match serde_json::from_slice(&captured.body) {
                Ok(value) => Body::Json(value),
                Err(_) => Body::Raw(String::from_utf8_lossy(&captured.body).into_owned()),
            }
        };
        let signature = match captured.signature {
            SigCheck::Verified => "verified",
            SigCheck::Missing => "unsigned",
            SigCheck::Invalid(_) => "INVALID",
        };
        Request { method: captured.method.clone(), target: captured.target.clone(), signature, body }
    }

    fn show(&self) -> String {
        let body = match &self.body {
            Body::Empty => String::new(),
            Body::Json(value) => value.to_string(),
            Body::Raw(text) => format!("(not JSON) {text:?}"),
        };
        format!("{} {} [{}] {body}", self.method, self.target, self.signature)
    }
}

/// The base environment of both tools (see the module documentation).
pub(crate) fn base_env() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_PAGER", String::new()),
    ]
}

/// Runs one tool for one case: a fresh server and directory, the case's environment.
fn run(case: &Case, program: &str, prefix: &[&str], args: &[String], extra_env: &[(&'static str, String)]) -> Outcome {
    let mut builder = Server::builder().region(case.region);
    if let Some(token) = case.token {
        builder = builder.session_token(token);
    }
    let server = builder.start(case.script.clone());
    let url = server.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let dir_text = dir.path().to_str().expect("UTF-8 temp dir").to_owned();
    for (path, contents) in &case.files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
        std::fs::write(&path, contents).expect("write case file");
    }
    let subst = |a: &str| a.replace("{dir}", &dir_text).replace("{url}", &url);
    let mut argv: Vec<String> = prefix.iter().map(|&p| p.to_owned()).collect();
    argv.push(OP.to_owned());
    let mut env = base_env();
    match case.endpoint {
        Endpoint::Arg => argv.extend(["--endpoint-url".to_owned(), url.clone()]),
        Endpoint::Env => env.push(("AWS_ENDPOINT_URL_CONNECT", url.clone())),
    }
    argv.extend(args.iter().map(|a| subst(a)));
    env.retain(|(k, _)| !case.unset.contains(k));
    env.extend(case.env.iter().cloned());
    env.extend(extra_env.iter().cloned());
    let (code, stdout, stderr) = execute(program, &argv, &env, dir.path());
    let normalised = normalise(&stdout, &dir_text, &url);
    let requests = server.requests().iter().map(Request::of).collect();
    Outcome { code, stdout: normalised, stderr: normalise(&stderr, &dir_text, &url), requests }
}

/// What legitimately differs between two runs' outputs: the temporary directory (each run has its
/// own) becomes `{dir}` and the server's URL (each run has its own port) becomes `{url}`. Nothing
/// else is normalised.
fn normalise(text: &str, dir: &str, url: &str) -> String {
    text.replace(dir, "{dir}").replace(url, "{url}")
}

/// Runs `program argv` in a cleared environment (plus `PATH`, to find the AWS CLI's interpreter),
/// killing it after [`RUN_LIMIT`].
pub(crate) fn execute(
    program: &str,
    argv: &[String],
    env: &[(&'static str, String)],
    dir: &Path,
) -> (i32, String, String) {
    let mut child = Command::new(program)
        .args(argv)
        .env_clear()
        .env("HOME", dir)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (the AWS CLI must be installed: pip install awscli)"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    let code = status.and_then(|s| s.code()).unwrap_or(-1);
    (code, String::from_utf8_lossy(&stdout).into_owned(), String::from_utf8_lossy(&stderr).into_owned())
}

/// The AWS CLI on `PATH`. A pyenv shim (a bash script that runs `pyenv exec aws`) is resolved to
/// the script it runs, which saves a bash and a pyenv start per run; anything else is run as found.
pub(crate) fn aws_program() -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join("aws"))
        .find(|p| p.is_file())
        .expect("the AWS CLI (`aws`) must be on PATH for the conformance suite: pip install -r .ci/requirements.txt");
    let text = std::fs::read(&found).unwrap_or_default();
    if String::from_utf8_lossy(&text).contains("pyenv\" exec") {
        let out = Command::new("pyenv").args(["which", "aws"]).output().expect("pyenv which aws");
        let real = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if out.status.success() && Path::new(&real).is_file() {
            return real;
        }
    }
    found.to_str().expect("UTF-8 path").to_owned()
}

fn show(outcome: &Outcome) -> String {
    let requests: Vec<String> = outcome.requests.iter().map(|r| format!("\n      {}", r.show())).collect();
    format!(
        "exit {}, {} request(s):{}\n    stdout: {:?}\n    stderr: {:?}",
        outcome.code,
        outcome.requests.len(),
        requests.concat(),
        outcome.stdout,
        outcome.stderr
    )
}

/// Compares one case; the problems found, empty when the tools agree.
fn judge(case: &Case, ours: &Outcome, v1: &Outcome) -> Vec<String> {
    let mut problems = Vec::new();
    let v1_class = v1_class(v1.code, &v1.stderr);
    let our_class = Class::of_v2_code(ours.code);
    let pinned = |why: &str, pin: &Pinned, problems: &mut Vec<String>| {
        if (ours.code, ours.stdout.as_str(), ours.requests.len()) != (pin.code, pin.stdout, pin.requests) {
            problems.push(format!(
                "ours should exit {} with stdout {:?} after {} request(s) ({why})",
                pin.code, pin.stdout, pin.requests
            ));
        }
    };
    match &case.judge {
        Judge::Same | Judge::Equivalent { .. } => {
            if ours.code != v1_class.v2_code() {
                problems.push(format!(
                    "outcome: v1 is {v1_class:?} (exit {}), so ours should exit {}, not {} ({our_class:?})",
                    v1.code,
                    v1_class.v2_code(),
                    ours.code
                ));
            }
            if ours.requests != v1.requests {
                problems.push("requests differ".to_owned());
            }
            if ours.stdout != v1.stdout {
                problems.push("stdout differs".to_owned());
            }
            if v1_class == Class::Success
                && !ours.requests.is_empty()
                && ours.requests.iter().any(|r| r.signature != "verified")
            {
                problems.push("a request is not correctly signed".to_owned());
            }
        }
        Judge::OursOnly { why, ours: pin } => {
            pinned(why, pin, &mut problems);
            if v1_class != Class::Param || !v1.requests.is_empty() {
                problems.push(format!("v1 should refuse the command line ({why}), but is {v1_class:?}"));
            }
        }
        Judge::Differs { why, ours: pin, v1: (class, requests) } => {
            pinned(why, pin, &mut problems);
            if (v1_class, v1.requests.len()) != (*class, *requests) {
                problems.push(format!(
                    "v1 should be {class:?} after {requests} request(s) ({why}), but is {v1_class:?} after {}",
                    v1.requests.len()
                ));
            }
        }
    }
    problems
}

#[test]
fn aws_connect_agrees_with_the_aws_cli() {
    let ours_program = &crate::common::binary();
    let aws = aws_program();
    let queue = Mutex::new(cases().into_iter().collect::<VecDeque<_>>());
    let total = queue.lock().unwrap().len();
    let results: Mutex<Vec<(&'static str, Vec<String>)>> = Mutex::new(Vec::new());
    let compared = Mutex::new(0usize);
    thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                loop {
                    let Some(case) = queue.lock().unwrap().pop_front() else { break };
                    let ours = run(&case, ours_program, &[], &case.args, &[]);
                    let v1 = match &case.judge {
                        Judge::Equivalent { args, env, .. } => {
                            run(&case, &aws, &["connect"], args.as_ref().unwrap_or(&case.args), env)
                        }
                        _ => run(&case, &aws, &["connect"], &case.args, &[]),
                    };
                    let mut problems = judge(&case, &ours, &v1);
                    if let (false, Judge::Equivalent { why, .. }) = (problems.is_empty(), &case.judge) {
                        problems.push(format!("(v1 ran the equivalent command line: {why})"));
                    }
                    *compared.lock().unwrap() += 1;
                    let report = if problems.is_empty() {
                        Vec::new()
                    } else {
                        let mut report = problems;
                        report.push(format!("  aws-connect: {}", show(&ours)));
                        report.push(format!("  aws (v1):    {}", show(&v1)));
                        report
                    };
                    results.lock().unwrap().push((case.name, report));
                }
            });
        }
    });
    let compared = compared.into_inner().unwrap();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(name, _)| *name);
    let failures: Vec<String> = results
        .iter()
        .filter(|(_, report)| !report.is_empty())
        .map(|(name, report)| format!("{name}:\n  {}", report.join("\n  ")))
        .collect();
    println!("conformance: {compared} command lines compared");
    assert_eq!(compared, total);
    assert!(failures.is_empty(), "{} of {total} cases differ:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(compared >= 60, "only {compared} command lines compared");
}
