//! Writing to a closed pipe, side by side with the installed AWS CLI: `aws-connect … | head -c1`
//! must never end with a signal or an abort, and ends as `aws connect …` does.
//!
//! Each case runs both tools with stdout connected to a pipe whose reading end is already closed,
//! so that every write fails with EPIPE (Rust ignores SIGPIPE, Python too), and compares the exit
//! status and what reached stderr. The `--debug` cases send stderr into the same closed pipe: what
//! `… --debug 2>&1 | head -c1` does once `head` has read its byte (before the fix: 134, an
//! abort), without the race of a real `head`, which a fast writer may fill its pipe before. Both
//! tools run with a cleared environment, in particular without `PYTHONUNBUFFERED`,
//! which changes when Python's writes fail and so the AWS CLI's exit status.
//!
//! The AWS CLI's behaviour comes from its formatters (awscli/formatter.py, the same in v1 and v2)
//! and from Python: the buffered formats (json, table, yaml) ignore the error and the exit status
//! stays; otherwise, when stderr (the `--debug` log, the error message) or the text formatter's
//! stdout cannot be written, Python cannot flush the stream at exit and exits 120.

use std::io::Read;
use std::process::{Command, Stdio};

use loopback::{Reply, Server};

use crate::conformance::{aws_program, base_env};

/// How the tool runs.
#[derive(Clone, Copy, PartialEq)]
enum Stderr {
    /// stdout is a closed pipe; stderr a pipe the test reads.
    Read,
    /// stdout and stderr are the same closed pipe (`2>&1 | head -c1`).
    Closed,
}

#[derive(Debug, PartialEq)]
struct Outcome {
    code: i32,
    /// What reached stderr, without the line breaks around it and our `aws-connect: [ERROR]: `
    /// prefix.
    stderr: String,
}

fn run(program: &str, prefix: &[&str], args: &[&str], stderr: Stderr, reply: Reply) -> Outcome {
    let server = Server::start(vec![reply]);
    let dir = tempfile::tempdir().expect("temp dir");
    let writer = closed_pipe();
    let mut command = Command::new(program);
    command
        .args(prefix)
        .args(args)
        .args(["--endpoint-url", &server.url()])
        .env_clear()
        .env("HOME", dir.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(base_env())
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_RETRY_MODE", "standard")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("pipe"));
    match stderr {
        Stderr::Read => command.stderr(Stdio::piped()),
        Stderr::Closed => command.stderr(writer),
    };
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    drop(command);
    let mut text = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut text).expect("stderr");
    }
    let status = child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert!(status.signal().is_none(), "{program} {args:?} ended with signal {:?}", status.signal());
    let code = status.code().expect("an exit code");
    assert!(!(129..=192).contains(&code), "{program} {args:?} was killed by signal {}", code - 128);
    let stderr = text.trim().trim_start_matches("aws-connect: [ERROR]: ").to_owned();
    Outcome { code, stderr }
}

/// The writing end of a pipe whose reading end is closed.
fn closed_pipe() -> std::fs::File {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `pipe` fills two descriptors this function then owns.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0, "pipe: {}", std::io::Error::last_os_error());
        drop(std::fs::File::from_raw_fd(fds[0]));
        std::fs::File::from_raw_fd(fds[1])
    }
}

const USER: &[&str] = &["describe-user", "--user-id", "u-1", "--instance-id", "i-1"];

fn user_reply() -> Reply {
    let users: Vec<String> = (0..200).map(|i| format!("\"k{i}\": \"v{i}\"")).collect();
    Reply::json(
        200,
        format!("{{\"User\": {{\"Id\": \"u-1\", \"Username\": \"mary\", \"Tags\": {{{}}}}}}}", users.join(", ")),
    )
}

struct Case {
    name: &'static str,
    args: Vec<&'static str>,
    stderr: Stderr,
    reply: Reply,
    /// Our outcome, and the AWS CLI's when it has the feature.
    ours: (i32, &'static str),
    v1: Option<(i32, &'static str)>,
}

fn cases() -> Vec<Case> {
    let with = |extra: &[&'static str]| USER.iter().chain(extra).copied().collect::<Vec<_>>();
    let error = || Reply::error(404, "ResourceNotFoundException", "No such user");
    vec![
        Case {
            name: "--debug 2>&1 | head -c1, the call fails",
            args: with(&["--debug"]),
            stderr: Stderr::Closed,
            reply: error(),
            ours: (120, ""),
            v1: Some((120, "")),
        },
        Case {
            name: "--debug 2>&1 | head -c1, the call succeeds",
            args: with(&["--debug"]),
            stderr: Stderr::Closed,
            reply: user_reply(),
            ours: (120, ""),
            v1: Some((120, "")),
        },
        Case {
            name: "json | head -c1",
            args: with(&["--output", "json"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            ours: (0, ""),
            v1: Some((0, "")),
        },
        Case {
            name: "table | head -c1",
            args: with(&["--output", "table"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            ours: (0, ""),
            v1: Some((0, "")),
        },
        Case {
            name: "text | head -c1: the text formatter does not catch the error",
            args: with(&["--output", "text"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            // Python's own words differ: it reports the stream it cannot flush.
            ours: (120, "[Errno 32] Broken pipe"),
            v1: Some((
                120,
                "Exception ignored in: <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>\nBrokenPipeError: [Errno 32] Broken pipe",
            )),
        },
        Case {
            name: "text | head -c1 with a failing call: the error goes to stderr",
            args: with(&["--output", "text"]),
            stderr: Stderr::Read,
            reply: error(),
            ours: (
                254,
                "An error occurred (ResourceNotFoundException) when calling the DescribeUser operation (reached max retries: 0): No such user",
            ),
            v1: Some((
                255,
                "An error occurred (ResourceNotFoundException) when calling the DescribeUser operation (reached max retries: 0): No such user",
            )),
        },
        Case {
            name: "help | head -c1",
            args: with(&["help"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            ours: (0, ""),
            v1: Some((0, "")),
        },
        // AWS CLI v1 has no YAML output; v2's YAML formatter is buffered like json's.
        Case {
            name: "yaml | head -c1 (v2's buffered formatter)",
            args: with(&["--output", "yaml"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            ours: (0, ""),
            v1: None,
        },
        Case {
            name: "yaml-stream | head -c1 (v2 catches the error)",
            args: with(&["--output", "yaml-stream"]),
            stderr: Stderr::Read,
            reply: user_reply(),
            ours: (0, ""),
            v1: None,
        },
    ]
}

#[test]
fn a_closed_pipe_ends_as_in_the_aws_cli_never_with_a_signal() {
    let ours_program = crate::common::binary();
    let aws = aws_program();
    let mut failures = Vec::new();
    std::thread::scope(|scope| {
        let runs: Vec<_> = cases()
            .into_iter()
            .map(|case| {
                let (ours_program, aws) = (&ours_program, &aws);
                scope.spawn(move || {
                    let ours = run(ours_program, &[], &case.args, case.stderr, case.reply.clone());
                    let v1 = case.v1.map(|(code, stderr)| {
                        let want = Outcome { code, stderr: stderr.to_owned() };
                        oracle(&want, || run(aws, &["connect"], &case.args, case.stderr, case.reply.clone()))
                    });
                    (case, ours, v1)
                })
            })
            .collect();
        for run in runs {
            let (case, ours, v1) = run.join().expect("case thread");
            let want = Outcome { code: case.ours.0, stderr: case.ours.1.to_owned() };
            let want_v1 = case.v1.map(|(code, stderr)| Outcome { code, stderr: stderr.to_owned() });
            if ours != want || v1.as_ref().is_some_and(|runs| runs.last() != want_v1.as_ref()) {
                failures.push(format!(
                    "{}:\n  aws-connect: {ours:?}, expected {want:?}\n  aws (v1):    {v1:?}, expected {want_v1:?}",
                    case.name
                ));
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The AWS CLI's outcomes, run until one is `want`, at most three times. Its exit status is not
/// the same on every run: a `--debug 2>&1 | head -c1` case was seen once to end with 0 instead of
/// 120 (and with 120 on each rerun), as whether Python's final flush fails depends on what its
/// buffer holds then. A tool that gave the other outcome every time still fails the test; every
/// outcome is kept for the failure message.
fn oracle(want: &Outcome, run: impl Fn() -> Outcome) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    while outcomes.len() < 3 && outcomes.last() != Some(want) {
        outcomes.push(run());
    }
    outcomes
}
