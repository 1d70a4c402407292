//! Inputs at the edges, side by side with the installed AWS CLI: `--query` expressions nested far
//! deeper than any parser's stack (Python's `RecursionError` in the AWS CLI, never a stack
//! overflow here), and `--page-size` values outside the range of the member it fills.
//!
//! AWS CLI v1 exits 255 for parameter errors and 2 for argparse errors, where v2 (and we) exit
//! 252 for both (behaviour doc §g); v2's enhanced error format adds `An error occurred
//! (ParamValidation): ` before the message, which is removed before comparing.

use loopback::{Reply, Server};

use crate::conformance::{aws_program, base_env, execute};

#[derive(Debug, PartialEq)]
struct Outcome {
    code: i32,
    stdout: String,
    message: String,
    requests: usize,
}

fn run(program: &str, prefix: &[&str], args: &[String], reply: Reply) -> Outcome {
    let server = Server::start(vec![reply]);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut argv: Vec<String> = prefix.iter().map(|&a| a.to_owned()).collect();
    argv.extend(args.iter().cloned());
    argv.extend(["--endpoint-url".to_owned(), server.url()]);
    let mut env = base_env();
    env.push(("AWS_MAX_ATTEMPTS", "1".to_owned()));
    env.push(("AWS_RETRY_MODE", "standard".to_owned()));
    let (code, stdout, stderr) = execute(program, &argv, &env, dir.path());
    let message = stderr
        .trim()
        .trim_start_matches("aws-connect: [ERROR]: ")
        .trim_start_matches("An error occurred (ParamValidation): ")
        .to_owned();
    Outcome { code, stdout, message, requests: server.requests().len() }
}

/// The end of a long text, for failure messages.
fn tail(text: &str) -> &str {
    let mut cut = text.len().saturating_sub(200);
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    &text[cut..]
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    reply: Reply,
    ours: Outcome,
    v1: Outcome,
}

fn outcome(code: i32, stdout: &str, message: &str, requests: usize) -> Outcome {
    Outcome { code, stdout: stdout.to_owned(), message: message.to_owned(), requests }
}

const TOO_DEEP: &str = "maximum recursion depth exceeded";

fn query_cases() -> Vec<Case> {
    let user = || Reply::json(200, r#"{"User": {"Id": "u-1", "Username": "mary"}}"#);
    let args = |query: &str| -> Vec<String> {
        ["describe-user", "--user-id", "u-1", "--instance-id", "i-1", "--query", query]
            .iter()
            .map(|&a| a.to_owned())
            .collect()
    };
    let compile = |name, query: String| {
        let message = format!("Bad value for --query {query}: {TOO_DEEP}");
        Case {
            name,
            args: args(&query),
            reply: user(),
            ours: outcome(252, "", &message, 0),
            v1: outcome(255, "", &message, 0),
        }
    };
    let n = 30_000;
    vec![
        // Python parses an index chain into one flat node: no recursion, `null` on an object.
        Case {
            name: "40,000 chained [0]",
            args: args(&"[0]".repeat(40_000)),
            reply: user(),
            ours: outcome(0, "null\n", "", 1),
            v1: outcome(0, "null\n", "", 1),
        },
        Case {
            name: "a 40,000-link .name chain",
            args: args(&format!("User{}", ".Id".repeat(40_000))),
            reply: user(),
            ours: outcome(0, "null\n", "", 1),
            v1: outcome(0, "null\n", "", 1),
        },
        compile("40,000 nested [ ]", format!("{}Id{}", "[".repeat(40_000), "]".repeat(40_000))),
        compile("40,000 nested ( )", format!("{}Id{}", "(".repeat(40_000), ")".repeat(40_000))),
        compile("30,000 nested multi-select hashes", format!("{}Id{}", "{a:".repeat(n), "}".repeat(n))),
        compile("30,000 nested filters", format!("{}Id{}", "a[?".repeat(n), "]".repeat(n))),
        compile("100,000 !", format!("{}Id", "!".repeat(100_000))),
        compile("15,000 nested functions", format!("{}@{}", "length(".repeat(15_000), ")".repeat(15_000))),
        // Python's interpreter recurses on a pipe chain: the error comes after the request.
        Case {
            name: "a 2,000-link pipe chain",
            args: args(&format!("User{}", "|@".repeat(2_000))),
            reply: user(),
            ours: outcome(255, "", TOO_DEEP, 1),
            v1: outcome(255, "", TOO_DEEP, 1),
        },
        // Nesting Python handles.
        Case {
            name: "200 nested ( )",
            args: args(&format!("{}User.Id{}", "(".repeat(200), ")".repeat(200))),
            reply: user(),
            ours: outcome(0, "\"u-1\"\n", "", 1),
            v1: outcome(0, "\"u-1\"\n", "", 1),
        },
    ]
}

fn page_size_cases() -> Vec<Case> {
    let args = |size: &str| -> Vec<String> {
        ["list-users", "--instance-id", "i-1", "--page-size", size].iter().map(|&a| a.to_owned()).collect()
    };
    let page = || Reply::json(200, r#"{"UserSummaryList": []}"#);
    let below = |size: &str| {
        let message = format!(
            "Parameter validation failed:\nInvalid value for parameter MaxResults, value: {size}, valid min value: 1"
        );
        (outcome(252, "", &message, 0), outcome(255, "", &message, 0))
    };
    let (ours_0, v1_0) = below("0");
    let (ours_minus, v1_minus) = below("-1");
    let argparse = "argument --page-size: invalid int value: 'abc'";
    vec![
        Case { name: "--page-size 0", args: args("0"), reply: page(), ours: ours_0, v1: v1_0 },
        Case { name: "--page-size -1", args: args("-1"), reply: page(), ours: ours_minus, v1: v1_minus },
        // Deliberate difference (as for every member): botocore checks only minima and sends
        // 1001; aws-connect refuses values beyond the model's @range maximum before sending.
        Case {
            name: "--page-size 1001",
            args: args("1001"),
            reply: page(),
            ours: outcome(
                252,
                "",
                "Parameter validation failed:\nInvalid value for parameter MaxResults, value: 1001, valid max value: 1000",
                0,
            ),
            v1: outcome(0, "{\n    \"UserSummaryList\": []\n}\n", "", 1),
        },
        Case { name: "--page-size 1000", args: args("1000"), reply: page(), ours: outcome(0, "{\n    \"UserSummaryList\": []\n}\n", "", 1), v1: outcome(0, "{\n    \"UserSummaryList\": []\n}\n", "", 1) },
    ]
    .into_iter()
    .chain(std::iter::once(Case {
        name: "--page-size abc",
        args: args("abc"),
        reply: page(),
        ours: outcome(252, "", argparse, 0),
        v1: outcome(2, "", argparse, 0),
    }))
    .collect()
}

/// v1's argparse errors print the usage first and the error last (`aws: error: …`): only that
/// line is compared.
fn last_line(outcome: Outcome) -> Outcome {
    let message = match outcome.message.rsplit_once("aws: error: ") {
        Some((_, last)) => last.to_owned(),
        None => outcome.message,
    };
    let message = message.split("\n\nusage: aws-connect").next().unwrap_or_default().to_owned();
    Outcome { message, ..outcome }
}

fn check(cases: Vec<Case>) {
    let ours_program = crate::common::binary();
    let aws = aws_program();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|case| {
                let (ours_program, aws) = (&ours_program, &aws);
                scope.spawn(move || {
                    let ours = last_line(run(ours_program, &[], &case.args, case.reply.clone()));
                    let v1 = last_line(run(aws, &["connect"], &case.args, case.reply.clone()));
                    (ours != case.ours || v1 != case.v1).then(|| {
                        let show = |o: &Outcome| {
                            format!(
                                "exit {}, {} request(s), stdout {:?}, …{:?}",
                                o.code,
                                o.requests,
                                o.stdout,
                                tail(&o.message)
                            )
                        };
                        format!(
                            "{}:\n  aws-connect: {}\n    expected   {}\n  aws (v1):    {}\n    expected   {}",
                            case.name,
                            show(&ours),
                            show(&case.ours),
                            show(&v1),
                            show(&case.v1)
                        )
                    })
                })
            })
            .collect();
        runs.into_iter().filter_map(|r| r.join().expect("case thread")).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn deep_queries_fail_as_python_recursion_errors() {
    check(query_cases());
}

#[test]
fn page_size_is_validated_as_the_member_it_fills() {
    check(page_size_cases());
}
