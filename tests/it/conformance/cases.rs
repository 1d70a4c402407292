//! The command lines the conformance suite runs through both tools, grouped by theme (shorthand,
//! JSON, files, `--cli-input-*`, arguments, configuration, transport, output), and how each is
//! judged.

use std::time::Duration;

use loopback::{ACCESS_KEY_ID, REGION, Reply, SECRET_ACCESS_KEY};

use super::{Class, INSTANCE, USER};

/// Where the endpoint comes from.
#[derive(Clone, Copy)]
pub(super) enum Endpoint {
    /// `--endpoint-url <server>` right after the operation name.
    Arg,
    /// `AWS_ENDPOINT_URL_CONNECT=<server>`.
    Env,
}

/// How a case is judged.
pub(super) enum Judge {
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
pub(super) struct Pinned {
    pub(super) code: i32,
    pub(super) stdout: &'static str,
    pub(super) requests: usize,
}

pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) args: Vec<String>,
    pub(super) script: Vec<Reply>,
    pub(super) env: Vec<(&'static str, String)>,
    pub(super) unset: Vec<&'static str>,
    pub(super) files: Vec<(&'static str, String)>,
    pub(super) endpoint: Endpoint,
    /// The credential scope region and session token the server expects.
    pub(super) region: &'static str,
    pub(super) token: Option<&'static str>,
    pub(super) judge: Judge,
}

pub(super) fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|&a| a.to_owned()).collect()
}

/// A case with the given arguments (after the operation name).
pub(super) fn case(name: &'static str, args: &[&str]) -> Case {
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
pub(super) fn info(name: &'static str, info: &str, extra: &[&str]) -> Case {
    let mut args = vec!["--identity-info", info, "--user-id", USER, "--instance-id", INSTANCE];
    args.extend_from_slice(extra);
    case(name, &args)
}

/// A case with the seed's identity info and instance id, and `--user-id user`.
pub(super) fn user(name: &'static str, user: &str) -> Case {
    case(name, &["--identity-info", "FirstName=Mary", "--user-id", user, "--instance-id", INSTANCE])
}

/// The seed command line, then `extra`.
pub(super) fn seed(name: &'static str, extra: &[&str]) -> Case {
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

/// v1's retry mode is `legacy` with 5 attempts by default; v2's is `standard` with 3. Retry cases
/// set both tools to v2's defaults explicitly.
pub(super) fn standard_retries(case: Case) -> Case {
    case.env("AWS_RETRY_MODE", "standard").env("AWS_MAX_ATTEMPTS", "3")
}

pub(super) const PROFILE_CONFIG: &str = "[profile work]\nregion = eu-west-2\n";

pub(super) fn profile_credentials() -> String {
    format!("[work]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

pub(super) const NO_ENV_SETTINGS: &[&str] =
    &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"];

pub(super) const QUERY: &str = "{a: `1`, b: 'x'}";

/// Behaviour doc §d, except the comments of the top-level members: comments come from the
/// model's documentation, and the documentation of `models/connect.json` is our own (README).
pub(super) const YAML_SKELETON: &str = "\
IdentityInfo:  # [REQUIRED] The user's new first and last name, email address, secondary email address and mobile number.
  FirstName: ''  # The first name.
  LastName: '' # The last name.
  Email: '' # The email address.
  SecondaryEmail: '' # The user's secondary email address.
  Mobile: '' # The user's mobile number.
UserId: '' # [REQUIRED] The ID of the user whose identity information to change.
InstanceId: '' # [REQUIRED] The ID of the Amazon Connect instance the user belongs to.
";

pub(super) const INPUT_JSON: &str =
    r#"{"IdentityInfo": {"FirstName": "Mary", "LastName": "Major"}, "UserId": "u-json", "InstanceId": "i-json"}"#;
pub(super) const INPUT_YAML: &str =
    "IdentityInfo:\n  FirstName: Mary\n  LastName: Major\nUserId: u-json\nInstanceId: i-json\n";

#[allow(clippy::too_many_lines)]
pub(super) fn cases() -> Vec<Case> {
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
