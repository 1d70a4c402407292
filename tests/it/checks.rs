//! What the AWS CLI checks or says on its way to a request, side by side with the installed AWS
//! CLI (v1, whose code for each of these is the same as v2's at 2.36.7: botocore's
//! `validate_region_name`, paginator and parameter validation, the AWS CLI's `int()` of the
//! timeouts, `BooleanArgument` and `PageArgument`). Each case must end alike: the same requests,
//! the same exit class (v1 exits 255 for a parameter error where v2, and we, exit 252), and our
//! message must be v1's after v2's `aws-connect: [ERROR]: ` prefix (and, for parameter errors,
//! `An error occurred (ParamValidation): `).

use crate::order::{Sent, side_by_side};

/// The message of a failed run: stderr without v2's prefixes, or v1's bare text; for unknown
/// options, the line that lists them (both write the usage before it, in their own words).
fn message(stderr: &str) -> &str {
    if let Some(at) = stderr.rfind("Unknown options: ") {
        return stderr[at..].trim_end();
    }
    let text = stderr.trim();
    let text = text.strip_prefix("aws-connect: [ERROR]: ").unwrap_or(text);
    text.strip_prefix("An error occurred (ParamValidation): ").unwrap_or(text)
}

/// Runs `operation args` through both tools and checks that they agree; returns the problems.
fn agree(what: &str, operation: &str, args: &[&str], our_code: i32) -> Vec<String> {
    let (ours, v1): (Sent, Sent) = side_by_side(operation, args, &[]);
    let mut problems = Vec::new();
    let v1_code = if our_code == 252 { 255 } else { our_code };
    if (ours.code, v1.code) != (our_code, v1_code) {
        problems
            .push(format!("{what}: exit {} (want {our_code}), the AWS CLI {} (want {v1_code})", ours.code, v1.code));
    }
    if ours.requests != v1.requests {
        problems.push(format!("{what}: requests\n  ours: {:?}\n  aws:  {:?}", ours.requests, v1.requests));
    }
    if our_code == 0 {
        if ours.stderr != v1.stderr {
            problems.push(format!("{what}: stderr\n  ours: {:?}\n  aws:  {:?}", ours.stderr, v1.stderr));
        }
    } else if message(&ours.stderr) != message(&v1.stderr) || !ours.stderr.contains("\naws-connect: [ERROR]: ") {
        problems.push(format!("{what}: message\n  ours: {:?}\n  aws:  {:?}", ours.stderr, v1.stderr));
    }
    problems
}

const LIST: &[&str] = &["--instance-id", "i-1"];

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    LIST.iter().copied().chain(extra.iter().copied()).collect()
}

/// `--cli-read-timeout` and `--cli-connect-timeout` are read with Python's `int()` (spaces, a sign
/// and underscores are allowed; its error is the message, exit 255), 0 is no timeout, and a
/// negative one is refused by urllib3's message.
#[test]
fn timeouts_are_read_as_python_reads_an_int() {
    let mut problems = Vec::new();
    for (value, code) in [("abc", 255), ("1.5", 255), ("0x10", 255), ("", 255), (" +1_0 ", 0), ("0", 0), ("-1", 255)] {
        for option in ["--cli-read-timeout", "--cli-connect-timeout"] {
            problems.extend(agree(&format!("{option} {value:?}"), "list-users", &with(&[option, value]), code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A region must be a host label, checked before anything is sent.
#[test]
fn a_region_must_be_a_host_label() {
    let mut problems = Vec::new();
    for (region, code) in [("x y", 255), ("123", 255), ("a-", 255), ("us_west_2", 255), ("eu-west-3", 0)] {
        problems.extend(agree(&format!("--region {region:?}"), "list-users", &with(&["--region", region]), code));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // With an unknown profile too, v2 names the region (its `create_client` checks the region it
    // was given before it reads the profile; seen with 2.36.7); v1 names the profile.
    let (ours, v1) = side_by_side("list-users", &with(&["--region", "x y", "--profile", "nope"]), &[]);
    let region = "\naws-connect: [ERROR]: Provided region_name 'x y' doesn't match a supported format.\n";
    assert_eq!((ours.code, ours.stderr.as_str(), ours.requests.len()), (255, region, 0));
    let profile = "The config profile (nope) could not be found";
    assert_eq!((v1.code, message(&v1.stderr), v1.requests.len()), (255, profile, 0));
}

/// A required boolean (`create-instance --inbound-calls-enabled | --no-…`) is not an argument
/// argparse requires: botocore's validation names the missing member.
#[test]
fn a_required_boolean_left_out_is_a_validation_error() {
    let mut problems = Vec::new();
    let base = ["--identity-management-type", "CONNECT_MANAGED", "--client-token", "t-1"];
    problems.extend(agree(
        "one of two left out",
        "create-instance",
        &[&base[..], &["--no-inbound-calls-enabled"]].concat(),
        252,
    ));
    problems.extend(agree("both left out", "create-instance", &base, 252));
    problems.extend(agree(
        "both given",
        "create-instance",
        &[&base[..], &["--inbound-calls-enabled", "--no-outbound-calls-enabled"]].concat(),
        0,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `--starting-token` that this program did not write: a service's `NextToken` is passed on as it
/// is, botocore's older `TOKEN___SKIP` form is read, and more parts than the operation has input
/// tokens is a bad token.
#[test]
fn a_starting_token_of_the_service_or_botocores_older_form() {
    let mut problems = Vec::new();
    for (token, code) in
        [("AAEAAQ-service+token/==", 0), ("tok___2", 0), ("None___1", 0), ("tok___x", 0), ("a___b___c", 255)]
    {
        problems.extend(agree(
            &format!("--starting-token {token:?}"),
            "list-users",
            &with(&["--starting-token", token]),
            code,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `--max-items` of 0 or less gets the AWS CLI's warning, and the command goes on.
#[test]
fn a_non_positive_max_items_is_warned_about() {
    let mut problems = Vec::new();
    for value in ["0", "-3", "2"] {
        problems.extend(agree(&format!("--max-items {value}"), "list-users", &with(&["--max-items", value]), 0));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A list option takes any number of values, none included (argparse's `nargs='*'`): none sends
/// an empty list, which validation may refuse.
#[test]
fn a_list_option_without_values_is_an_empty_list() {
    let mut problems = Vec::new();
    let proficiencies = ["--instance-id", "i-1", "--user-id", "u-1", "--user-proficiencies"];
    problems.extend(agree("the last option", "update-user-proficiencies", &proficiencies, 0));
    let moved = ["--user-proficiencies", "--instance-id", "i-1", "--user-id", "u-1"];
    problems.extend(agree("followed by another option", "update-user-proficiencies", &moved, 0));
    let user = [
        "--instance-id",
        "i",
        "--username",
        "u",
        "--routing-profile-id",
        "r",
        "--phone-config",
        "PhoneType=SOFT_PHONE",
    ];
    problems.extend(agree(
        "below its minimum length",
        "create-user",
        &[&user[..], &["--security-profile-ids"]].concat(),
        252,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Arguments no option takes are listed in order, but the first stray value last: the operation's
/// parser has an optional positional `help` that takes it.
#[test]
fn unknown_arguments_are_listed_as_the_aws_cli_lists_them() {
    let mut problems = Vec::new();
    for extra in [&["a", "b", "c"][..], &["--bogus", "a", "b"], &["a", "--bogus=1", "b"], &["--bogus"], &["-x", "y"]] {
        problems.extend(agree(&format!("{extra:?}"), "list-users", &with(extra), 252));
    }
    let split = ["--instance-id", "i-1", "a", "--max-items", "2", "b", "c"];
    problems.extend(agree("values between options", "list-users", &split, 252));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A document the AWS CLI's text formatter fails on (a list that mixes objects with other
/// values): what it wrote before failing is printed, then Python's error, exit 255.
#[test]
fn a_document_the_text_formatter_fails_on_is_an_error_after_the_partial_output() {
    let mut problems = Vec::new();
    for query in ["`{\"a\": [1, {\"b\": null}]}`", "`{\"x\": \"first\", \"a\": [{\"b\": 1}, 2]}`"] {
        let args = with(&["--query", query, "--output", "text"]);
        problems.extend(agree(query, "list-users", &args, 255));
        let (ours, v1) = side_by_side("list-users", &args, &[]);
        if ours.stdout != v1.stdout {
            problems.push(format!("{query}: stdout\n  ours: {:?}\n  aws:  {:?}", ours.stdout, v1.stdout));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Retry settings the AWS CLI cannot use, from the environment or the profile: its message, exit
/// 255, nothing sent, never a crash (aws-config's own reader of these settings panics on them).
/// v2's words are pinned (seen with 2.36.7: "one", and only `standard` and `adaptive`); v1 words
/// the bound as "1", lists `legacy` among the modes and accepts it, so its outcome is compared
/// where it agrees, and `legacy` is v2's alone.
#[test]
fn retry_settings_the_aws_cli_cannot_use_are_errors() {
    let bound =
        |n: &str| format!("Value provided to \"max_attempts\": {n} must be an integer greater than or equal to one.");
    let mode =
        |m: &str| format!("Invalid value provided to \"mode\": \"{m}\" must be one of: \"standard\" or \"adaptive\"");
    let cases: Vec<(&str, &str, &str, String)> = vec![
        ("env", "AWS_MAX_ATTEMPTS", "x", "invalid literal for int() with base 10: 'x'".to_owned()),
        ("env", "AWS_MAX_ATTEMPTS", "3.0", "invalid literal for int() with base 10: '3.0'".to_owned()),
        ("env", "AWS_MAX_ATTEMPTS", "0", bound("0")),
        ("env", "AWS_MAX_ATTEMPTS", "-2", bound("-2")),
        ("env", "AWS_RETRY_MODE", "bogus", mode("bogus")),
        ("env", "AWS_RETRY_MODE", "legacy", mode("legacy")),
        ("profile", "max_attempts", "abc", "invalid literal for int() with base 10: 'abc'".to_owned()),
        ("profile", "retry_mode", "Standard", mode("Standard")),
    ];
    let mut problems = Vec::new();
    for (place, key, value, message) in cases {
        let server = loopback::Server::start(vec![loopback::Reply::json(200, "{}")]);
        let mut env = crate::common::aws_env();
        if place == "env" {
            env = env.var(key, value);
        } else {
            std::fs::create_dir_all(env.path(".aws")).expect("mkdir");
            std::fs::write(env.path(".aws/config"), format!("[default]\n{key} = {value}\n")).expect("config");
        }
        let url = server.url();
        let r = env.run(&[&["list-users", "--endpoint-url", &url][..], LIST].concat());
        let want = format!("\naws-connect: [ERROR]: {message}\n");
        if (r.code, r.stdout.as_str(), r.stderr.as_str(), server.requests().len()) != (255, "", want.as_str(), 0) {
            problems.push(format!(
                "{place} {key}={value:?}: exit {}, stderr {:?}, {} requests",
                r.code,
                r.stderr,
                server.requests().len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // v1 agrees on the outcome of a value int() refuses and of one below the bound.
    for (key, value) in [("AWS_MAX_ATTEMPTS", "x"), ("AWS_MAX_ATTEMPTS", "0")] {
        let out = std::process::Command::new(crate::conformance::aws_program())
            .args([&["connect", "list-users", "--endpoint-url", "http://127.0.0.1:9"][..], LIST].concat())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env("AWS_ACCESS_KEY_ID", loopback::ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", loopback::SECRET_ACCESS_KEY)
            .env("AWS_DEFAULT_REGION", loopback::REGION)
            .env(key, value)
            .output()
            .expect("the AWS CLI (pip install -r .ci/requirements.txt)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(255), "{key}={value}: {stderr}");
        assert!(stderr.contains("invalid literal for int()") || stderr.contains("\"max_attempts\": 0"), "{stderr}");
    }
}

/// A configuration or credentials file that is not INI: botocore's "Unable to parse config
/// file", naming the file, exit 255 as in v2, nothing sent (the file used to be passed over, and
/// the command then failed for want of the region it held).
#[test]
fn a_configuration_file_that_does_not_parse_is_named() {
    for (file, text) in
        [(".aws/config", "[default\nregion = us-west-2\n"), (".aws/credentials", "[default]\nregion = x\njunk line\n")]
    {
        let server = loopback::Server::start(vec![loopback::Reply::json(200, "{}")]);
        let env = crate::common::Env::new().var("AWS_EC2_METADATA_DISABLED", "true");
        std::fs::create_dir_all(env.path(".aws")).expect("mkdir");
        std::fs::write(env.path(file), text).expect("file");
        let url = server.url();
        let args = [&["list-users", "--endpoint-url", &url][..], LIST].concat();
        let r = env.run(&args);
        let message = format!("Unable to parse config file: {}", env.path(file).display());
        assert_eq!(
            (r.code, r.stderr.as_str(), server.requests().len()),
            (255, format!("\naws-connect: [ERROR]: {message}\n").as_str(), 0),
            "{file}"
        );
        let out = std::process::Command::new(crate::conformance::aws_program())
            .args([&["connect"][..], &args].concat())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", env.home.path())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("the AWS CLI (pip install -r .ci/requirements.txt)");
        // v1 raises the same error unhandled (a traceback, exit 1); v2 reports it, exit 255
        // (seen with 2.36.7).
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.trim_end().ends_with(&format!("ConfigParseError: {message}")), "{file}: {stderr}");
    }
}

/// An output format from the environment or the profile that does not exist: the formatter's
/// `Unknown output type`, exit 255, before the parameters are validated and nothing sent, as in
/// both AWS CLIs (`--output` itself is refused by its choices, exit 252).
#[test]
fn an_unknown_output_type_from_the_environment_or_profile() {
    for (place, instance) in [("env", "i-1"), ("env", ""), ("profile", "i-1")] {
        let server = loopback::Server::start(vec![loopback::Reply::json(200, "{}")]);
        let mut env = crate::common::aws_env();
        let mut v1_env = vec![("AWS_DEFAULT_REGION", loopback::REGION)];
        if place == "env" {
            env = env.var("AWS_DEFAULT_OUTPUT", "bogus");
            v1_env.push(("AWS_DEFAULT_OUTPUT", "bogus"));
        } else {
            std::fs::create_dir_all(env.path(".aws")).expect("mkdir");
            std::fs::write(env.path(".aws/config"), "[default]\noutput = bogus\n").expect("config");
        }
        let url = server.url();
        let args = ["list-users", "--instance-id", instance, "--endpoint-url", &url];
        let r = env.run(&args);
        let message = "Unknown output type: bogus";
        let want = format!("\naws-connect: [ERROR]: {message}\n");
        assert_eq!(
            (r.code, r.stderr.as_str(), server.requests().len()),
            (255, want.as_str(), 0),
            "{place} {instance:?}"
        );
        let out = std::process::Command::new(crate::conformance::aws_program())
            .args([&["connect"][..], &args].concat())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", env.home.path())
            .env("AWS_ACCESS_KEY_ID", loopback::ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", loopback::SECRET_ACCESS_KEY)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(v1_env)
            .output()
            .expect("the AWS CLI (pip install -r .ci/requirements.txt)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!((out.status.code(), stderr.trim()), (Some(255), message), "{place} {instance:?}");
    }
}
