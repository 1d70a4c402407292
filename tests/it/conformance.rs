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

use loopback::{ACCESS_KEY_ID, Captured, REGION, Reply, SECRET_ACCESS_KEY, Server, SigCheck};
use serde_json::Value;

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

/// Where the endpoint comes from.
#[derive(Clone, Copy)]
enum Endpoint {
    /// `--endpoint-url <server>` right after the operation name.
    Arg,
    /// `AWS_ENDPOINT_URL_CONNECT=<server>`.
    Env,
}

/// How a case is judged.
enum Judge {
    /// Both tools run the same command line and must agree.
    Same,
    /// v1 lacks the feature: it runs `args` (or the case's own arguments) with `env` instead (the
    /// same input in a form it knows) and the two must agree.
    Equivalent { why: &'static str, args: Option<Vec<String>>, env: Vec<(&'static str, String)> },
    /// v1 lacks the feature and refuses the command line (a parameter error, no request); ours is
    /// pinned.
    OursOnly { why: &'static str, ours: Pinned },
    /// aws-connect deliberately differs, or AWS CLI v2 differs from v1: ours is pinned, and what
    /// v1 did is checked too.
    Differs { why: &'static str, ours: Pinned, v1: (Class, usize) },
}

/// Our pinned outcome.
struct Pinned {
    code: i32,
    stdout: &'static str,
    requests: usize,
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    script: Vec<Reply>,
    env: Vec<(&'static str, String)>,
    unset: Vec<&'static str>,
    files: Vec<(&'static str, String)>,
    endpoint: Endpoint,
    /// The credential scope region and session token the server expects.
    region: &'static str,
    token: Option<&'static str>,
    judge: Judge,
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|&a| a.to_owned()).collect()
}

/// A case with the given arguments (after the operation name).
fn case(name: &'static str, args: &[&str]) -> Case {
    Case {
        name,
        args: strings(args),
        script: vec![Reply::empty(200)],
        env: Vec::new(),
        unset: Vec::new(),
        files: Vec::new(),
        endpoint: Endpoint::Arg,
        region: REGION,
        token: None,
        judge: Judge::Same,
    }
}

/// A case with the seed's user and instance ids and `--identity-info info`, then `extra`.
fn info(name: &'static str, info: &str, extra: &[&str]) -> Case {
    let mut args = vec!["--identity-info", info, "--user-id", USER, "--instance-id", INSTANCE];
    args.extend_from_slice(extra);
    case(name, &args)
}

/// A case with the seed's identity info and instance id, and `--user-id user`.
fn user(name: &'static str, user: &str) -> Case {
    case(name, &["--identity-info", "FirstName=Mary", "--user-id", user, "--instance-id", INSTANCE])
}

/// The seed command line, then `extra`.
fn seed(name: &'static str, extra: &[&str]) -> Case {
    info(name, "FirstName=Mary,LastName=Major,Email=marym@example.com", extra)
}

impl Case {
    fn script(mut self, script: Vec<Reply>) -> Case {
        self.script = script;
        self
    }

    fn env(mut self, key: &'static str, value: &str) -> Case {
        self.env.push((key, value.to_owned()));
        self
    }

    fn unset(mut self, keys: &[&'static str]) -> Case {
        self.unset.extend_from_slice(keys);
        self
    }

    fn file(mut self, path: &'static str, contents: &str) -> Case {
        self.files.push((path, contents.to_owned()));
        self
    }

    fn endpoint(mut self, endpoint: Endpoint) -> Case {
        self.endpoint = endpoint;
        self
    }

    fn region(mut self, region: &'static str) -> Case {
        self.region = region;
        self
    }

    fn token(mut self, token: &'static str) -> Case {
        self.token = Some(token);
        self
    }

    /// v1 runs `args` instead of the case's arguments.
    fn equivalent(mut self, why: &'static str, args: &[&str]) -> Case {
        self.judge = Judge::Equivalent { why, args: Some(strings(args)), env: Vec::new() };
        self
    }

    /// v1 runs the case's arguments with `env` added.
    fn equivalent_env(mut self, why: &'static str, env: &[(&'static str, &str)]) -> Case {
        let env = env.iter().map(|&(k, v)| (k, v.to_owned())).collect();
        self.judge = Judge::Equivalent { why, args: None, env };
        self
    }

    fn ours_only(mut self, why: &'static str, code: i32, stdout: &'static str, requests: usize) -> Case {
        self.judge = Judge::OursOnly { why, ours: Pinned { code, stdout, requests } };
        self
    }

    /// aws-connect refuses the input (exit 252, nothing sent); v1 ends in `v1` after `requests`.
    fn differs(mut self, why: &'static str, v1: Class, requests: usize) -> Case {
        self.judge = Judge::Differs { why, ours: Pinned { code: 252, stdout: "", requests: 0 }, v1: (v1, requests) };
        self
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

/// v1's retry mode is `legacy` with 5 attempts by default; v2's is `standard` with 3. Retry cases
/// set both tools to v2's defaults explicitly.
fn standard_retries(case: Case) -> Case {
    case.env("AWS_RETRY_MODE", "standard").env("AWS_MAX_ATTEMPTS", "3")
}

const PROFILE_CONFIG: &str = "[profile work]\nregion = eu-west-2\n";

fn profile_credentials() -> String {
    format!("[work]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

const NO_ENV_SETTINGS: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"];

const QUERY: &str = "{a: `1`, b: 'x'}";

/// Behaviour doc §d, except the comments of the top-level members: comments come from the
/// model's documentation, and the documentation of `models/connect.json` is our own (README).
const YAML_SKELETON: &str = "\
IdentityInfo:  # [REQUIRED] The user's new first and last name, email address, secondary email address and mobile number.
  FirstName: ''  # The first name.
  LastName: '' # The last name.
  Email: '' # The email address.
  SecondaryEmail: '' # The user's secondary email address.
  Mobile: '' # The user's mobile number.
UserId: '' # [REQUIRED] The ID of the user whose identity information to change.
InstanceId: '' # [REQUIRED] The ID of the Amazon Connect instance the user belongs to.
";

const INPUT_JSON: &str =
    r#"{"IdentityInfo": {"FirstName": "Mary", "LastName": "Major"}, "UserId": "u-json", "InstanceId": "i-json"}"#;
const INPUT_YAML: &str = "IdentityInfo:\n  FirstName: Mary\n  LastName: Major\nUserId: u-json\nInstanceId: i-json\n";

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let long_id = "u".repeat(1500);
    let long_instance = "i".repeat(101);
    let long_first = format!("FirstName={}", "x".repeat(256));
    let max_first = format!("FirstName={}", "x".repeat(255));
    vec![
        // Shorthand.
        seed("shorthand: the seed example", &[]),
        info("shorthand: double quotes keep commas and =", r#"FirstName="Mary, Jr.",LastName="a=b""#, &[]),
        info("shorthand: single quotes with an escaped quote", r"FirstName='O\'Brien',LastName='x\\y'", &[]),
        info("shorthand: double quotes with escapes", r#"FirstName="say \"hi\"",LastName="back\\slash""#, &[]),
        info("shorthand: escaped comma", r"FirstName=Mary\,Ann,LastName=Major", &[]),
        info("shorthand: ,, between pairs is accepted", "FirstName=Mary,,LastName=Major", &[]),
        info("shorthand: = inside a value", "FirstName=a=b=c,LastName==x", &[]),
        info("shorthand: whitespace around separators", "  FirstName = Mary ,\tLastName=  Major   ", &[]),
        info("shorthand: newlines between pairs", "FirstName=Mary,\nLastName=Major,\n  Email=m@example.com", &[]),
        info("shorthand: empty value", "FirstName=,LastName=Major", &[]),
        info("shorthand: Unicode values", "FirstName=Zoë 😀,LastName=Ærø", &[]),
        info("shorthand: duplicate key", "FirstName=Mary,FirstName=Bob", &[]),
        info("shorthand: a trailing bare word makes a list", "FirstName=Mary,LastName", &[]),
        info("shorthand: csv values make a list", "FirstName=a,b,c", &[]),
        info("shorthand: explicit list for a string", "FirstName=[a,b]", &[]),
        info("shorthand: nested hash for a string", "FirstName={a=b}", &[]),
        info("shorthand: unknown member", "Nickname=M", &[]),
        info("shorthand: unterminated quote", r#"FirstName="Mary"#, &[]),
        info("shorthand: text after a quoted value", r#"FirstName="Mary"x"#, &[]),
        info("shorthand: key without =", "FirstName", &[]),
        info("shorthand: @= reads a file", "FirstName@=file://first.txt,LastName=file://first.txt", &[])
            .file("first.txt", "Mary from a file"),
        // The loader's error is not caught while parsing shorthand: a general error (255), without
        // `Error parsing parameter`, in v1 and (from its source) in v2.
        info("shorthand: @= names a missing file", "FirstName@=file://missing.txt", &[]),
        // JSON.
        info("json: object", r#"{"FirstName": "Mary", "LastName": "Major", "Mobile": "+15555550100"}"#, &[]),
        info("json: leading whitespace and escapes", "  \n{\"FirstName\": \"\\u00e9t\\u00e9\", \"LastName\": \"a\\\"b\"}", &[]),
        info("json: empty object", "{}", &[]),
        info("json: duplicate keys, the last wins", r#"{"FirstName": "a", "FirstName": "b"}"#, &[]),
        info("json: invalid", r#"{"FirstName":"#, &[]),
        info("json: number for a string", r#"{"FirstName": 5}"#, &[]),
        info("json: null for a string", r#"{"FirstName": null}"#, &[]),
        info("json: array for a structure", r#"[{"FirstName": "a"}]"#, &[]),
        // file:// values.
        info("file: relative path", "file://info.json", &[]).file("info.json", r#"{"FirstName": "Rel"}"#),
        info("file: absolute path", "file://{dir}/sub/info.json", &[])
            .file("sub/info.json", r#"{"FirstName": "Abs", "LastName": "Path"}"#),
        info("file: ~ expands to HOME", "file://~/info.json", &[]).file("info.json", r#"{"FirstName": "Home"}"#),
        info("file: shorthand inside the file", "file://info.txt", &[]).file("info.txt", "FirstName=Mary,LastName=Major"),
        info("file: missing file", "file://nope.json", &[]),
        case("file: a string parameter from a file", &["--identity-info", "{}", "--user-id", "file://id.txt", "--instance-id", INSTANCE])
            .file("id.txt", "user-from-file"),
        // --cli-input-json, --cli-input-yaml.
        case("cli-input-json: literal", &["--cli-input-json", INPUT_JSON]),
        case("cli-input-json: file", &["--cli-input-json", "file://input.json"]).file("input.json", INPUT_JSON),
        case("cli-input-json: explicit arguments win", &["--cli-input-json", INPUT_JSON, "--user-id", "u-arg", "--identity-info", "Email=e@example.com"]),
        case("cli-input-json: missing required key", &["--cli-input-json", r#"{"UserId": "u"}"#]),
        case("cli-input-json: unknown key", &["--cli-input-json", r#"{"UserId": "u", "InstanceId": "i", "IdentityInfo": {}, "Bogus": 1}"#]),
        case("cli-input-json: invalid JSON", &["--cli-input-json", "{"]),
        case("cli-input-json: not an object", &["--cli-input-json", "[1]"]).differs(
            "AWS CLI v2 reports `Invalid type: expecting map, received <class 'list'>` (behaviour doc §c); v1 crashes with `'list' object has no attribute 'keys'`, exit 255",
            Class::Other,
            0,
        ),
        case("cli-input-yaml: literal", &["--cli-input-yaml", INPUT_YAML])
            .equivalent("AWS CLI v1 has no --cli-input-yaml; it runs the same input as JSON", &["--cli-input-json", INPUT_JSON]),
        case("cli-input-yaml: file, explicit arguments win", &["--cli-input-yaml", "file://input.yaml", "--instance-id", "i-arg"])
            .file("input.yaml", INPUT_YAML)
            .equivalent("AWS CLI v1 has no --cli-input-yaml; it runs the same input as JSON", &["--cli-input-json", INPUT_JSON, "--instance-id", "i-arg"]),
        // Skeletons.
        case("skeleton: default", &["--generate-cli-skeleton"]),
        case("skeleton: input", &["--generate-cli-skeleton", "input"]),
        seed("skeleton: output", &["--generate-cli-skeleton", "output"]),
        case("skeleton: output without the required arguments", &["--generate-cli-skeleton", "output"]),
        case("skeleton: invalid choice", &["--generate-cli-skeleton", "bogus"]),
        case("skeleton: yaml-input", &["--generate-cli-skeleton", "yaml-input"])
            .ours_only("yaml-input exists only in AWS CLI v2 (behaviour doc §d)", 0, YAML_SKELETON, 0),
        // Tricky ids.
        user("ids: Unicode", "üser-😀-名前"),
        user("ids: slashes", "a/b//c"),
        user("ids: spaces and tabs", " a b\tc "),
        user("ids: percent signs", "100%25%"),
        user("ids: ?#& and friends", "q?x=1#frag&y=$+;,@:!*'()[]"),
        user("ids: unreserved characters", "a~b-c_d.e"),
        user("ids: very long", &long_id),
        case("ids: ARN instance and --opt=value", &["--identity-info=FirstName=Mary", "--user-id=u=1", "--instance-id", "arn:aws:connect:us-east-1:123456789012:instance/abc"]),
        case("ids: a value starting with a dash", &["--identity-info", "FirstName=Mary", "--user-id=-dash", "--instance-id", INSTANCE]),
        user("ids: empty user id", "").differs(
            "aws-connect refuses an empty URI label; v1 sends /users/<instance>//identity-info",
            Class::Success,
            1,
        ),
        user("ids: . user id", ".").differs(
            "aws-connect refuses a `.` URI label (the path would be normalised away); v1 sends it",
            Class::Success,
            1,
        ),
        user("ids: .. user id", "..").differs(
            "aws-connect refuses a `..` URI label (the path would be normalised away); v1 sends it",
            Class::Success,
            1,
        ),
        case("ids: empty instance id", &["--identity-info", "FirstName=Mary", "--user-id", USER, "--instance-id", ""]),
        case("ids: instance id over its max length", &["--identity-info", "FirstName=Mary", "--user-id", USER, "--instance-id", &long_instance])
            .differs("InstanceId has @length max 100: aws-connect refuses 101 characters; botocore checks only minima and sends it", Class::Success, 1),
        info("ids: first name at its max length", &max_first, &[]),
        info("ids: first name over its max length", &long_first, &[])
            .differs("FirstName has @length max 255: aws-connect refuses 256 characters; botocore checks only minima and sends it", Class::Success, 1),
        // Missing and malformed arguments.
        case("args: none", &[]),
        case("args: missing --user-id", &["--identity-info", "FirstName=Mary", "--instance-id", INSTANCE]),
        case("args: option without a value", &["--identity-info", "FirstName=Mary", "--instance-id", INSTANCE, "--user-id"]),
        seed("args: unknown option", &["--bogus-option", "x"]),
        seed("args: extra positional argument", &["extra"]),
        seed("args: an option twice, the last wins", &["--user-id", "second"]),
        seed("args: abbreviated option", &["--instance", "abbrev"]),
        // Credentials and region sources.
        seed("config: --profile with ~/.aws/config and ~/.aws/credentials", &["--profile", "work"])
            .unset(NO_ENV_SETTINGS)
            .file(".aws/config", PROFILE_CONFIG)
            .file(".aws/credentials", &profile_credentials())
            .region("eu-west-2"),
        seed("config: AWS_PROFILE", &[])
            .unset(NO_ENV_SETTINGS)
            .env("AWS_PROFILE", "work")
            .file(".aws/config", PROFILE_CONFIG)
            .file(".aws/credentials", &profile_credentials())
            .region("eu-west-2"),
        seed("config: default profile in the files", &[])
            .unset(NO_ENV_SETTINGS)
            .file(".aws/config", "[default]\nregion = ap-south-1\n")
            .file(".aws/credentials", &profile_credentials().replace("[work]", "[default]"))
            .region("ap-south-1"),
        seed("config: --region overrides the environment", &["--region", "eu-west-2"]).region("eu-west-2"),
        seed("config: AWS_DEFAULT_REGION alone", &[]).unset(&["AWS_REGION"]).env("AWS_DEFAULT_REGION", "eu-central-1").region("eu-central-1"),
        seed("config: AWS_REGION wins over AWS_DEFAULT_REGION", &[])
            .env("AWS_REGION", "eu-north-1")
            .env("AWS_DEFAULT_REGION", "us-west-2")
            .region("eu-north-1")
            .equivalent_env("AWS CLI v1 reads only AWS_DEFAULT_REGION; it gets the region there", &[("AWS_DEFAULT_REGION", "eu-north-1")]),
        seed("config: session token", &[]).env("AWS_SESSION_TOKEN", "SESSION-TOKEN-EXAMPLE").token("SESSION-TOKEN-EXAMPLE"),
        seed("config: missing region", &[]).unset(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
        seed("config: missing credentials", &[]).unset(&["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]),
        seed("config: unknown profile", &["--profile", "nope"]),
        seed("config: unknown profile from AWS_PROFILE", &[]).env("AWS_PROFILE", "nope"),
        seed("config: unknown profile, asked for explicitly as default", &["--profile", "default"]),
        info("config: unknown profile and invalid input", "Nickname=M", &["--profile", "nope"]),
        info("config: missing region and invalid input", "Nickname=M", &[]).unset(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
        info("config: missing credentials and invalid input", "Nickname=M", &[])
            .unset(&["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]),
        seed("config: endpoint from AWS_ENDPOINT_URL_CONNECT", &[]).endpoint(Endpoint::Env),
        // Service errors.
        seed("service: 404 ResourceNotFoundException", &[])
            .script(vec![Reply::error(404, "ResourceNotFoundException", "User not found")]),
        seed("service: 400 InvalidParameterException", &[])
            .script(vec![Reply::error(400, "InvalidParameterException", "Bad parameter")]),
        seed("service: 400 InvalidRequestException", &[])
            .script(vec![Reply::error(400, "InvalidRequestException", "Bad request")]),
        seed("service: 403 AccessDeniedException", &[])
            .script(vec![Reply::error(403, "AccessDeniedException", "Denied")]),
        // Retries and timeouts.
        standard_retries(seed("retries: 429 then 200", &[]))
            .script(vec![Reply::error(429, "ThrottlingException", "Rate exceeded"), Reply::empty(200)]),
        standard_retries(seed("retries: 500 always", &[]))
            .script(vec![Reply::error(500, "InternalServiceException", "Try again")]),
        standard_retries(seed("retries: 503 then 200", &[]))
            .script(vec![Reply::error(503, "ServiceUnavailableException", "Later"), Reply::empty(200)]),
        seed("retries: AWS_MAX_ATTEMPTS=1 gives up at once", &[])
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_RETRY_MODE", "standard")
            .script(vec![Reply::error(429, "TooManyRequestsException", "Slow down")]),
        seed("timeouts: --cli-read-timeout 1 with a delayed reply", &["--cli-read-timeout", "1"])
            .env("AWS_MAX_ATTEMPTS", "1")
            .script(vec![Reply::delay(Duration::from_secs(4), Reply::empty(200))]),
        seed("transport: connection closed without an answer", &[]).env("AWS_MAX_ATTEMPTS", "1").script(vec![Reply::close()]),
        // The proxy of an HTTP endpoint: HTTP_PROXY unless http_proxy (even empty) or NO_PROXY
        // says otherwise. Nothing listens on port 1: a proxy that is used fails the command.
        seed("transport: unreachable HTTP_PROXY", &[]).env("AWS_MAX_ATTEMPTS", "1").env("HTTP_PROXY", "http://127.0.0.1:1"),
        seed("transport: NO_PROXY exempts the endpoint", &[]).env("HTTP_PROXY", "http://127.0.0.1:1").env("NO_PROXY", "localhost,127.0.0.1"),
        seed("transport: an empty http_proxy wins over HTTP_PROXY", &[]).env("HTTP_PROXY", "http://127.0.0.1:1").env("http_proxy", ""),
        seed("transport: HTTPS_PROXY is not for HTTP endpoints", &[]).env("HTTPS_PROXY", "http://127.0.0.1:1"),
        // Assuming a role calls STS (HTTPS) through HTTPS_PROXY, which fails before any request.
        seed("transport: assume-role through an unreachable HTTPS_PROXY", &["--profile", "role"])
            .unset(NO_ENV_SETTINGS)
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("HTTPS_PROXY", "http://127.0.0.1:1")
            .file(".aws/config", "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = work\nregion = us-east-1\n")
            .file(".aws/credentials", &profile_credentials()),
        // Output formats and --query.
        seed("output: a JSON body of an operation without output", &[]).script(vec![Reply::json(200, r#"{"Foo": 1}"#)]),
        seed("output: json with --query", &["--output", "json", "--query", QUERY]),
        seed("output: text with --query", &["--output", "text", "--query", QUERY]),
        seed("output: table with --query", &["--output", "table", "--query", QUERY]),
        seed("output: yaml with --query", &["--output", "yaml", "--query", QUERY])
            .ours_only("--output yaml exists only in AWS CLI v2", 0, "a: 1\nb: x\n", 1),
        seed("output: --query of a missing key", &["--query", "IdentityInfo"]),
        seed("output: --query of a missing key as text", &["--query", "IdentityInfo", "--output", "text"]),
        seed("output: text list from --query", &["--query", "[`1`, `2`, 'three']", "--output", "text"]),
        seed("output: AWS_DEFAULT_OUTPUT", &["--query", QUERY]).env("AWS_DEFAULT_OUTPUT", "text"),
        seed("output: invalid --output", &["--output", "bogus"]),
        seed("query: syntax error", &["--query", "foo["]),
        seed("query: unknown function, found on the response", &["--query", "nope(@)"]),
        seed("query: a function of the response", &["--query", "length(@)"]),
        seed("query: a function given the wrong type", &["--query", "abs(@)"]),
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
