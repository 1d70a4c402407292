//! Help pages (`aws-connect help`, `aws-connect <operation> help`, `--help`) and
//! `aws-connect completion <shell>`.

use crate::common::run;

const OP: &str = "update-user-identity-info";

/// The Synopsis block of the AWS CLI v2's page for the operation (the user's reference page).
const SEED_SYNOPSIS: &str = "Synopsis

  update-user-identity-info
--identity-info <value>
--user-id <value>
--instance-id <value>
[--cli-input-json | --cli-input-yaml]
[--generate-cli-skeleton <value>]
[--cli-auto-prompt <value>]

Options
";

/// Every option of the reference page, as its heading line. The page predates AWS CLI v2 2.31,
/// which ends the heading of a required option with ` [required]` (`clidocs.py`, `doc_option`);
/// 2.36 prints these three lines with it, and so do we.
const SEED_OPTIONS: &[&str] = &["--identity-info (structure)", "--user-id (string)", "--instance-id (string)"];
const REQUIRED: &str = " [required]";

/// The reference page's syntax blocks for `--identity-info`. The page predates the model's
/// `SecondaryEmail` and `Mobile` members, so ours continue where these end.
const SEED_SHORTHAND: &str = "Shorthand Syntax:\n\nFirstName=string,LastName=string,Email=string";
const SEED_JSON: &str =
    "JSON Syntax:\n\n{\n  \"FirstName\": \"string\",\n  \"LastName\": \"string\",\n  \"Email\": \"string\"";

/// What the AWS CLI's generator prints for `--identity-info` with the current model (checked
/// with `aws connect update-user-identity-info help`, 2.36.7).
const AWS_CLI_SYNTAX: &str = "Shorthand Syntax:

FirstName=string,LastName=string,Email=string,SecondaryEmail=string,Mobile=string

JSON Syntax:

{
  \"FirstName\": \"string\",
  \"LastName\": \"string\",
  \"Email\": \"string\",
  \"SecondaryEmail\": \"string\",
  \"Mobile\": \"string\"
}

--user-id (string) [required]
";

/// The reference page's texts of the per-command options, word for word.
const SEED_FIXED_OPTIONS: &str = "--cli-input-json | --cli-input-yaml (string) Reads arguments from the JSON string provided. The JSON string follows the format provided by --generate-cli-skeleton. If other arguments are provided on the command line, those values will override the JSON-provided values. It is not possible to pass arbitrary binary values using a JSON-provided value as the string will be taken literally. This may not be specified along with --cli-input-yaml.

--generate-cli-skeleton (string) Prints a JSON skeleton to standard output without sending an API request. If provided with no value or the value input, prints a sample input JSON that can be used as an argument for --cli-input-json. Similarly, if provided yaml-input it will print a sample input YAML that can be used with --cli-input-yaml. If provided with the value output, it validates the command inputs and returns a sample output JSON for that command.

--cli-auto-prompt (boolean) Automatically prompt for CLI input parameters.

See 'aws-connect help' for descriptions of global parameters.

Examples
";

#[test]
fn service_help() {
    let r = run(&["help"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("service_help", r.stdout);
    for command in ["update-user-identity-info", "--output (string)", "--cli-error-format (string)"] {
        assert!(r.stdout.contains(command), "{command}");
    }
    // `--help` in place of the command, and global options around `help`, change nothing.
    assert_eq!(run(&["--help"]).stdout, r.stdout);
    assert_eq!(run(&["--region", "us-east-1", "help", "--output", "json"]).stdout, r.stdout);
}

#[test]
fn operation_help() {
    let r = run(&[OP, "help"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("operation_help", r.stdout);
    assert_eq!(run(&[OP, "--help"]).stdout, r.stdout);
    assert_eq!(run(&["--debug", OP, "help", "--region", "us-east-1"]).stdout, r.stdout);
}

/// A paginated operation with enum and constrained parameters: the paging paragraph after See
/// also, `Possible values:` and `Constraints:` lists (AWS CLI v2's `clidocs.py` form).
#[test]
fn paginated_operation_help() {
    let r = run(&["list-queues", "help"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("paginated_operation_help", r.stdout);
}

#[test]
fn operation_help_follows_the_reference_page() {
    let page = run(&[OP, "help"]).stdout;
    assert!(page.starts_with("[ aws-connect ]\n\nupdate-user-identity-info\n\nDescription\n\n"), "{page}");
    assert!(page.contains(
        "See also: AWS API Documentation\nhttps://docs.aws.amazon.com/goto/WebAPI/connect-2017-08-08/UpdateUserIdentityInfo\n\n\
         See 'aws-connect help' for descriptions of global parameters.\n\nSynopsis"
    ));
    assert!(page.contains(SEED_SYNOPSIS), "{page}");
    for option in SEED_OPTIONS {
        assert!(page.lines().any(|l| l == format!("{option}{REQUIRED}")), "{option}");
    }
    assert!(page.contains(&format!("{SEED_SHORTHAND},")), "{page}");
    assert!(page.contains(&format!("{SEED_JSON},\n")), "{page}");
    assert!(page.contains(AWS_CLI_SYNTAX), "{page}");
    assert!(page.contains(SEED_FIXED_OPTIONS), "{page}");
    assert!(page.ends_with("Output\n\nNone\n"), "{page}");
}

#[test]
fn help_after_complete_parameters_shows_the_page() {
    let page = run(&[OP, "help"]).stdout;
    let args = [OP, "--identity-info", "FirstName=a", "--user-id", "u", "--instance-id", "i", "help"];
    assert_eq!(run(&args).stdout, page);
}

#[test]
fn help_after_incomplete_parameters_is_an_argument_error() {
    let r = run(&[OP, "--user-id", "u", "help"]);
    assert_eq!(r.code, 252);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("the following arguments are required: --identity-info, --instance-id"), "{}", r.stderr);
}

#[test]
fn no_arguments_is_still_an_argument_error() {
    let r = run(&[]);
    assert_eq!(r.code, 252);
    assert!(r.stderr.contains("the following arguments are required: operation"), "{}", r.stderr);
}

#[test]
fn completion_scripts() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let r = run(&["completion", shell]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{shell}");
        for word in ["update-user-identity-info", "output", "identity-info"] {
            assert!(r.stdout.contains(word), "{shell}: {word}");
        }
        // clap_complete's PowerShell script completes operations and options, not values.
        assert_eq!(r.stdout.contains("yaml-stream"), shell != "powershell", "{shell}: yaml-stream");
    }
    let bash = run(&["completion", "bash"]).stdout;
    assert!(bash.contains("--output"));
}

/// Completes `words` (the last one being completed) with the bash script, in bash.
fn bash_complete(script: &str, words: &[&str]) -> Option<String> {
    let program = format!(
        "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; _aws__connect aws-connect '{cur}' '{prev}'; \
         echo \"${{COMPREPLY[*]}}\"",
        words = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    // On standard input: the script is longer than one command-line argument may be.
    let mut child = std::process::Command::new("bash")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    std::io::Write::write_all(&mut child.stdin.take()?, program.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn bash_completion_completes_operations_options_and_values() {
    let script = run(&["completion", "bash"]).stdout;
    let ops = bash_complete(&script, &["aws-connect", "update-user-i"])
        .expect("bash is needed for this test (Debian package bash)");
    assert_eq!(ops, "update-user-identity-info");
    assert_eq!(bash_complete(&script, &["aws-connect", OP, "--user"]).as_deref(), Some("--user-id"));
    assert_eq!(bash_complete(&script, &["aws-connect", OP, "--output", "y"]).as_deref(), Some("yaml yaml-stream"));
}

#[test]
fn completion_of_an_unknown_shell() {
    insta::assert_snapshot!(run(&["completion", "tcsh"]).snapshot(), @r"
    exit_code: 252
    ----- stdout -----
    ----- stderr -----

    aws-connect: [ERROR]: An error occurred (ParamValidation): argument shell: Found invalid choice 'tcsh'


    usage: aws-connect [options] <command> [parameters]
    To see help text, you can run:

      aws-connect help
      aws-connect <command> help
    ");
    assert_eq!(run(&["completion"]).code, 252);
}

/// `models/connect.json`, read as JSON: its shapes.
fn model_shapes() -> serde_json::Map<String, serde_json::Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/connect.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let model: serde_json::Value = serde_json::from_str(&text).expect("models/connect.json is JSON");
    model["shapes"].as_object().expect("shapes").clone()
}

/// Every operation and each of its top-level parameters has a description of one or two
/// sentences in the model; the failure names the ones that do not.
#[test]
fn every_operation_and_parameter_has_a_description() {
    let shapes = model_shapes();
    let doc_of = |v: &serde_json::Value| {
        v.pointer("/traits/smithy.api#documentation")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    let sentences = |doc: &str| doc.matches(". ").count() + 1;
    let (mut missing, mut too_long, mut operations, mut parameters) = (Vec::new(), Vec::new(), 0, 0);
    for (id, op) in shapes.iter().filter(|(_, s)| s["type"] == "operation") {
        let name = id.rsplit('#').next().unwrap_or(id);
        operations += 1;
        let mut check = |what: String, doc: String| {
            if doc.is_empty() {
                missing.push(what);
            } else if sentences(&doc) > 2 {
                too_long.push(format!("{what}: {doc}"));
            }
        };
        check(name.to_owned(), doc_of(op));
        let Some(input) = op.pointer("/input/target").and_then(serde_json::Value::as_str) else { continue };
        for (member, spec) in shapes[input]["members"].as_object().into_iter().flatten() {
            parameters += 1;
            check(format!("{name} {member}"), doc_of(spec));
        }
    }
    assert!(missing.is_empty(), "{} without a description:\n{}", missing.len(), missing.join("\n"));
    assert!(too_long.is_empty(), "more than two sentences:\n{}", too_long.join("\n"));
    assert_eq!((operations, parameters), (370, 1568));
}

/// Every member of every structure and union of the model (nested ones, outputs and errors
/// included) has a description, its own or its target's, as help pages, skeleton comments and
/// the prompt show them.
#[test]
fn every_member_has_a_description() {
    let shapes = model_shapes();
    let has_doc = |v: Option<&serde_json::Value>| {
        v.and_then(|v| v.pointer("/traits/smithy.api#documentation"))
            .and_then(serde_json::Value::as_str)
            .is_some_and(|d| !d.trim().is_empty())
    };
    let (mut missing, mut members) = (Vec::new(), 0);
    for (id, shape) in shapes.iter().filter(|(_, s)| s["type"] == "structure" || s["type"] == "union") {
        for (name, member) in shape["members"].as_object().into_iter().flatten() {
            members += 1;
            let target = member["target"].as_str().and_then(|t| shapes.get(t));
            if !has_doc(Some(member)) && !has_doc(target) {
                missing.push(format!("{} {name}", id.rsplit('#').next().unwrap_or(id)));
            }
        }
    }
    assert!(missing.is_empty(), "{} members without a description:\n{}", missing.len(), missing.join("\n"));
    assert!(members > 4000, "{members} members: the model is not the whole one");
}
