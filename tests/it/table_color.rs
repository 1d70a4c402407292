//! `--output table` in colour and at the terminal's width, side by side with the installed AWS
//! CLI (v1, whose `table.py` and `TableFormatter` are v2's, and whose colorama wraps stdout the
//! same way), both answered the same `describe-instance` response by the loopback server:
//!
//! - in a pipe: `--color on` colours (byte for byte the same escapes, colorama's reset after
//!   every write included), `auto` and `off` do not;
//! - in a terminal (tmux, at several window widths): the screens, captured with their colours
//!   (`capture-pane -e`), are the same for `--color auto` (the default), `on` and `off`, the
//!   table fitted to the window's width.
//!
//! Where v1 and v2 differ: v2 sends output on a terminal through a pager (`less -R`) by default
//! and v1 has none, so aws-connect runs with the pager off here; the table v2 writes to the pager
//! has no resets after each write (colorama wraps stdout, not the pager's pipe), which the output
//! oracle (`crates/connect-cli/tests/output_oracle.rs`) pins.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use loopback::{ACCESS_KEY_ID, REGION, Reply, SECRET_ACCESS_KEY, Server};

use crate::conformance::{aws_program, execute};

/// A response with scalars, a map and nested structures and lists: titled sections, column
/// headers, rows, and sections indented two levels (the bars coloured apart from the cells).
const RESPONSE: &str = r#"{
  "Instance": {
    "Id": "i-1",
    "Arn": "arn:aws:connect:us-east-1:111122223333:instance/i-1",
    "IdentityManagementType": "CONNECT_MANAGED",
    "InstanceAlias": "example-alias",
    "InstanceStatus": "ACTIVE",
    "StatusReason": {"Message": "Ready"},
    "InboundCallsEnabled": true,
    "OutboundCallsEnabled": false,
    "InstanceAccessUrl": "https://example-alias.my.connect.aws",
    "Tags": {"team": "support", "cost-center": "1234"}
  },
  "ReplicationConfiguration": {
    "ReplicationStatusSummaryList": [
      {"Region": "us-west-2", "ReplicationStatus": "INSTANCE_REPLICATION_COMPLETE"},
      {"Region": "eu-west-2", "ReplicationStatus": "INSTANCE_REPLICATION_IN_PROGRESS", "ReplicationStatusReason": "Copying"}
    ],
    "SourceRegion": "us-east-1",
    "GlobalSignInEndpoint": "https://example-alias.awsapps.com"
  }
}"#;

const TIMEOUT: Duration = Duration::from_secs(30);

/// The environment both programs run with: the loopback server's credentials and region, no
/// configuration files, no pager.
fn environment() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_PAGER", String::new()),
    ]
}

/// The command line of `describe-instance` against `url`, after the program's own words.
fn command_line(prefix: &[&str], url: &str, color: Option<&str>) -> Vec<String> {
    let mut argv: Vec<String> = prefix.iter().map(|w| w.to_string()).collect();
    for word in ["describe-instance", "--instance-id", "i-1", "--output", "table"] {
        argv.push(word.to_owned());
    }
    argv.extend(["--endpoint-url".to_owned(), url.to_owned()]);
    if let Some(color) = color {
        argv.extend(["--color".to_owned(), color.to_owned()]);
    }
    argv
}

#[test]
fn colour_in_a_pipe_is_the_aws_clis_byte_for_byte() {
    let aws = aws_program();
    let ours = crate::common::binary();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut coloured = 0;
    for color in [Some("on"), Some("auto"), Some("off"), None] {
        let mut outputs = Vec::new();
        for (program, prefix) in [(aws.as_str(), &["connect"][..]), (ours.as_str(), &[][..])] {
            let server = Server::start(vec![Reply::json(200, RESPONSE)]);
            let (code, stdout, stderr) =
                execute(program, &command_line(prefix, &server.url(), color), &environment(), dir.path());
            assert_eq!((code, stderr.as_str()), (0, ""), "{program} --color {color:?}");
            assert_eq!(server.requests().len(), 1, "{program}");
            outputs.push(stdout);
        }
        assert_eq!(outputs[0], outputs[1], "--color {color:?}: the AWS CLI's output, then ours");
        let escapes = outputs[1].contains('\x1b');
        assert_eq!(escapes, color == Some("on"), "--color {color:?} in a pipe:\n{}", outputs[1]);
        coloured += usize::from(escapes);
    }
    assert_eq!(coloured, 1);
}

/// A word as a POSIX shell reads it back.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// A tmux server of its own (private socket, no configuration file) with one window of the
/// given size, running one command line; killed when dropped.
struct Window {
    dir: tempfile::TempDir,
}

impl Window {
    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(self.dir.path().join("tmux.sock"))
            .args(["-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm")
            .output()
            .expect("tmux is required for these tests: install it (apt-get install -y tmux; .ci/run does)")
    }

    /// Runs `program ARGV` in a `width` x `height` window, in `home` with only `env`, and
    /// returns the screen once it has ended, with its colours (`capture-pane -e`), wrapped lines
    /// joined, the scrolled-off part included and trailing blank lines dropped.
    fn run(width: usize, height: usize, program: &str, argv: &[String], env: &[(&str, String)], home: &Path) -> String {
        let window = Window { dir: tempfile::tempdir().expect("temp dir") };
        let home = quote(&home.to_string_lossy());
        let mut line =
            format!("cd {home} && env -i HOME={home} PATH={}", quote(&std::env::var("PATH").unwrap_or_default()));
        for (k, v) in env {
            line.push_str(&format!(" {k}={}", quote(v)));
        }
        line.push_str(&format!(" {}", quote(program)));
        for word in argv {
            line.push_str(&format!(" {}", quote(word)));
        }
        line.push_str("; echo \"[exit $?]\"; sleep 600");
        let (w, h) = (width.to_string(), height.to_string());
        let out = window.tmux(&["new-session", "-d", "-s", "t", "-x", &w, "-y", &h, &line]);
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        let start = Instant::now();
        loop {
            let out = window.tmux(&["capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "t"]);
            let screen = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
            if screen.contains("[exit ") {
                return screen;
            }
            assert!(start.elapsed() < TIMEOUT, "{program} did not end in {TIMEOUT:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

#[test]
fn tables_in_a_terminal_look_as_the_aws_clis() {
    let aws = aws_program();
    let ours = crate::common::binary();
    let home = tempfile::tempdir().expect("temp dir");
    let mut problems = Vec::new();
    let mut horizontal = 0;
    // 250 columns hold the widest section as it is; at 120 and 60 single-row sections turn into
    // (key, value) rows; at 40 even those are wider than the window, which wraps them.
    for width in [250, 120, 60, 40] {
        for color in [None, Some("on"), Some("off")] {
            let mut screens = Vec::new();
            for (program, prefix) in [(aws.as_str(), &["connect"][..]), (ours.as_str(), &[][..])] {
                let server = Server::start(vec![Reply::json(200, RESPONSE)]);
                let argv = command_line(prefix, &server.url(), color);
                screens.push(Window::run(width, 80, program, &argv, &environment(), home.path()));
                assert_eq!(server.requests().len(), 1, "{program} at {width} columns, --color {color:?}");
            }
            let (theirs, mine) = (&screens[0], &screens[1]);
            assert!(theirs.ends_with("[exit 0]"), "the AWS CLI at {width} columns:\n{theirs}");
            assert_eq!(
                theirs.contains('\x1b'),
                color != Some("off"),
                "colour at {width}, --color {color:?}:\n{theirs}"
            );
            let headers = |l: &str| l.contains("IdentityManagementType") && l.contains("InstanceStatus");
            horizontal += usize::from(theirs.lines().any(headers));
            if theirs != mine {
                problems.push(format!(
                    "{width} columns, --color {color:?}\n--- aws connect:\n{theirs}\n--- aws-connect:\n{mine}\n\
                     --- escaped:\n{theirs:?}\n{mine:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{} screens differ:\n{}", problems.len(), problems.join("\n"));
    // The width changes the layout: the instance's columns side by side in the widest window only.
    assert_eq!(horizontal, 3, "runs with the instance's columns side by side");
}
