//! `--generate-cli-skeleton`: input, yaml-input and output, and its argument errors.

use crate::common::run;

const OP: &str = "update-user-identity-info";

/// What `aws connect update-user-identity-info --generate-cli-skeleton` of AWS CLI v2 2.36.7
/// prints, byte for byte (recorded in the project's behaviour notes).
const AWS_CLI_V2_INPUT_SKELETON: &str = r#"{
    "IdentityInfo": {
        "FirstName": "",
        "LastName": "",
        "Email": "",
        "SecondaryEmail": "",
        "Mobile": ""
    },
    "UserId": "",
    "InstanceId": ""
}
"#;

#[test]
fn input_skeleton_is_byte_equal_to_the_aws_cli() {
    let r = run(&[OP, "--generate-cli-skeleton"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, AWS_CLI_V2_INPUT_SKELETON, ""));
    insta::assert_snapshot!("input_skeleton", r.snapshot());
}

#[test]
fn input_is_the_default_value() {
    let explicit = run(&[OP, "--generate-cli-skeleton", "input"]);
    assert_eq!(explicit.code, 0);
    assert_eq!(explicit.stdout, AWS_CLI_V2_INPUT_SKELETON);
    // Global options may come before the operation.
    let globals_first = run(&["--region", "us-east-1", OP, "--generate-cli-skeleton"]);
    assert_eq!(globals_first.stdout, AWS_CLI_V2_INPUT_SKELETON);
}

/// The first sentence of the documentation of the seed operation's top-level member `name`, as
/// the model (`models/connect.json`, in our own words) holds it.
fn first_sentence_of(name: &str) -> String {
    let op = connect_core::generated::SERVICE.operation(OP).expect("the seed operation");
    let member = op.input().expect("an input").members().iter().find(|m| m.name() == name).expect("the member");
    let end = member.doc().find(". ").map_or(member.doc().len(), |i| i + 1);
    member.doc()[..end].to_owned()
}

#[test]
fn yaml_input_skeleton() {
    let r = run(&[OP, "--generate-cli-skeleton", "yaml-input"]);
    assert_eq!(r.code, 0);
    // The lines that AWS CLI v2 prints the same way. The comments of top-level members are the
    // first sentence of their documentation, as in v2, but the documentation is our own.
    let v2_lines = [
        format!("IdentityInfo:  # [REQUIRED] {}", first_sentence_of("IdentityInfo")),
        "  FirstName: ''  # The first name.".to_owned(),
        "  LastName: '' # The last name.".to_owned(),
        "  Email: '' # The email address.".to_owned(),
        "  SecondaryEmail: '' # The user's secondary email address.".to_owned(),
        "  Mobile: '' # The user's mobile number.".to_owned(),
        format!("UserId: '' # [REQUIRED] {}", first_sentence_of("UserId")),
        format!("InstanceId: '' # [REQUIRED] {}", first_sentence_of("InstanceId")),
    ];
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines, v2_lines);
    insta::assert_snapshot!("yaml_input_skeleton", r.snapshot());
}

#[test]
fn yaml_input_skeleton_parses_to_the_json_skeleton() {
    // PyYAML (installed with the AWS CLI) reads the YAML; the data must equal the JSON skeleton.
    let yaml = run(&[OP, "--generate-cli-skeleton", "yaml-input"]).stdout;
    let out = std::process::Command::new("python3")
        .args(["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.argv[1]), indent=4))", &yaml])
        .output()
        .expect("python3 with PyYAML is needed: pip install -r .ci/requirements.txt (.ci/run does)");
    assert!(
        out.status.success(),
        "PyYAML failed (pip install -r .ci/requirements.txt; .ci/run does):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), AWS_CLI_V2_INPUT_SKELETON);
}

#[test]
fn required_arguments_are_not_enforced_for_input_skeletons() {
    for kind in ["input", "yaml-input"] {
        let r = run(&[OP, "--user-id", "u", "--generate-cli-skeleton", kind]);
        assert_eq!(r.code, 0, "{kind}: {}", r.stderr);
    }
}

#[test]
fn output_skeleton_validates_required_arguments() {
    insta::assert_snapshot!(run(&[OP, "--generate-cli-skeleton", "output"]).snapshot(), @r"
    exit_code: 252
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (ParamValidation): the following arguments are required: --identity-info, --user-id, --instance-id

    usage: aws-connect [options] <command> [parameters]
    To see help text, you can run:

      aws-connect help
      aws-connect <command> help
    ");
}

#[test]
fn output_skeleton_of_an_operation_without_output_prints_nothing() {
    let r = run(&[
        OP,
        "--identity-info",
        "FirstName=Mary,LastName=Major,Email=marym@example.com",
        "--user-id",
        "87654321-2222-1234-1234-111234567891",
        "--instance-id",
        "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "--generate-cli-skeleton",
        "output",
    ]);
    insta::assert_snapshot!("output_skeleton", r.snapshot());
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn invalid_skeleton_choice() {
    insta::assert_snapshot!(run(&[OP, "--generate-cli-skeleton", "bogus"]).snapshot(), @r"
    exit_code: 252
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (ParamValidation): argument --generate-cli-skeleton: Found invalid choice 'bogus'


    usage: aws-connect [options] <command> [parameters]
    To see help text, you can run:

      aws-connect help
      aws-connect <command> help
    ");
}

#[test]
fn version() {
    let r = run(&["--version"]);
    assert_eq!(r.code, 0);
    let want =
        format!("aws-connect/{} {}/{}\n", env!("CARGO_PKG_VERSION"), std::env::consts::OS, std::env::consts::ARCH);
    assert_eq!(r.stdout, want);
}
