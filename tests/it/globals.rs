//! Global options given by abbreviation (argparse's `allow_abbrev`): the profile they name is the
//! one every setting comes from — the request's credentials and region, `output`,
//! `cli_error_format`, `cli_auto_prompt` — side by side with the installed `aws` where it has the
//! setting (AWS CLI v1 has no `cli_error_format` and no auto-prompt: those are pinned, and
//! compared with the unabbreviated `--profile`).

use loopback::{ACCESS_KEY_ID, Reply, SECRET_ACCESS_KEY, Server, SigCheck};

use crate::common::Env;
use crate::conformance::{aws_program, execute};

const CONFIG: &str = "[profile work]\nregion = eu-west-2\noutput = text\n";
const INSTANCES: &str = r#"{"InstanceSummaryList": [{"Id": "i-1", "InstanceAlias": "alias-1"}]}"#;

fn credentials() -> String {
    format!("[work]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
}

/// What one tool did with `connect list-instances ARGS`: exit code, stdout, and each request's
/// target and whether it was signed for the profile's region.
fn list_instances(program: &str, prefix: &[&str], args: &[&str]) -> (i32, String, Vec<(String, bool)>) {
    let server = Server::builder().region("eu-west-2").start(vec![Reply::json(200, INSTANCES)]);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join(".aws")).expect("mkdir");
    std::fs::write(dir.path().join(".aws/config"), CONFIG).expect("config");
    std::fs::write(dir.path().join(".aws/credentials"), credentials()).expect("credentials");
    let mut argv: Vec<String> = prefix.iter().map(|a| a.to_string()).collect();
    argv.extend(["list-instances".to_owned(), "--endpoint-url".to_owned(), server.url()]);
    argv.extend(args.iter().map(|a| a.to_string()));
    let env = [("AWS_EC2_METADATA_DISABLED", "true".to_owned()), ("AWS_PAGER", String::new())];
    let (code, stdout, stderr) = execute(program, &argv, &env, dir.path());
    let requests =
        server.requests().iter().map(|r| (r.target.clone(), matches!(r.signature, SigCheck::Verified))).collect();
    assert!(!stderr.contains("panicked"), "{program}: {stderr}");
    (code, stdout, requests)
}

#[test]
fn abbreviated_global_options_agree_with_the_aws_cli() {
    let ours = crate::common::binary();
    let aws = aws_program();
    // `--p` is `--profile` although list-instances has a `--page-size`: the AWS CLI parses the
    // global options first, on their own.
    let lines: &[&[&str]] = &[
        &["--profile", "work"],
        &["--prof", "work"],
        &["--p", "work"],
        &["--prof=work"],
        &["--pro", "work", "--out", "json"],
        &["--prof", "work", "--q", "InstanceSummaryList[0].Id"],
        &["--prof", "work", "--re", "us-east-1"],
        &["--pr", "work"],
    ];
    let mut problems = Vec::new();
    for args in lines {
        let mine = list_instances(&ours, &[], args);
        let theirs = list_instances(&aws, &["connect"], args);
        // AWS CLI v1 exits 255 where v2 exits 252 (an ambiguous or unknown option is argparse's
        // exit 2 in v1); the outcome class is what is compared for failures.
        let same_class = match (mine.0, theirs.0) {
            (a, b) if a == b => true,
            (252, 2 | 255) => true,
            _ => false,
        };
        if !same_class || mine.1 != theirs.1 || mine.2 != theirs.2 {
            problems.push(format!("{args:?}:\n  aws-connect: {mine:?}\n  aws (v1):    {theirs:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An environment whose profile `work` has `setting`, without credentials or region elsewhere.
fn profile_env(setting: &str) -> Env {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".aws")).expect("mkdir");
    std::fs::write(env.path(".aws/config"), format!("[profile work]\nregion = eu-west-2\n{setting}\n"))
        .expect("config");
    std::fs::write(env.path(".aws/credentials"), credentials()).expect("credentials");
    env.var("AWS_EC2_METADATA_DISABLED", "true")
}

const INVALID: &[&str] =
    &["update-user-identity-info", "--identity-info", "Nickname=M", "--user-id", "u", "--instance-id", "i"];

#[test]
fn the_error_format_comes_from_the_profile_an_abbreviation_names() {
    let env = profile_env("cli_error_format = json");
    let expected = "{\n    \"Code\": \"ParamValidation\",\n    \"Message\": \"Parameter validation failed:\\nUnknown parameter in IdentityInfo: \\\"Nickname\\\", must be one of: FirstName, LastName, Email, SecondaryEmail, Mobile\"\n}\n";
    for profile in [["--profile", "work"], ["--prof", "work"], ["--p", "work"]] {
        let args: Vec<&str> = INVALID.iter().copied().chain(profile).collect();
        let run = env.run(&args);
        assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (252, "", expected), "{profile:?}");
    }
    // The option itself, abbreviated, before the operation.
    let args: Vec<&str> = ["--cli-error", "json"].into_iter().chain(INVALID.iter().copied()).collect();
    let run = profile_env("").var("AWS_PROFILE", "work").run(&args);
    assert_eq!((run.code, run.stdout.as_str(), run.stderr.as_str()), (252, "", expected));
}

#[test]
fn auto_prompt_comes_from_the_profile_an_abbreviation_names() {
    let env = profile_env("cli_auto_prompt = on");
    let args = ["update-user-identity-info", "--user-id", "u", "--instance-id", "i"];
    let runs: Vec<String> = [["--profile", "work"], ["--prof", "work"], ["--p", "work"]]
        .into_iter()
        .map(|profile| env.run(&args.iter().copied().chain(profile).collect::<Vec<_>>()).snapshot())
        .collect();
    assert!(runs.iter().all(|r| *r == runs[0]), "{runs:#?}");
    // The prompter is on, and standard input (here not a terminal) is where it would ask.
    insta::assert_snapshot!(runs[0], @r"
    exit_code: 252
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (ParamValidation): Cannot prompt for parameters (--cli-auto-prompt): the input is not a terminal (fd=0).
    ");
}
