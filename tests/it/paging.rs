//! Automatic pagination on the wire: pages are fetched and merged, `--max-items` truncates with a
//! resume token, `--starting-token` resumes, `--page-size` sets the page size, and a page token
//! given by hand (or `--no-paginate`) sends a single request.

use loopback::{Reply, Server};

use crate::common::{Env, Run};

fn env() -> Env {
    crate::common::aws_env()
}

fn pages() -> Vec<Reply> {
    vec![
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u1"}, {"Id": "u2"}], "NextToken": "t1"}"#),
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u3"}], "NextToken": "t2"}"#),
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u4"}]}"#),
    ]
}

fn list_users(server: &Server, extra: &[&str]) -> Run {
    let url = server.url();
    let mut args = vec!["list-users", "--instance-id", "inst", "--endpoint-url", &url, "--output", "json"];
    args.extend_from_slice(extra);
    env().run(&args)
}

#[test]
fn every_page_is_fetched_and_merged() {
    let server = Server::start(pages());
    let r = list_users(&server, &["--query", "UserSummaryList[].Id"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "[\n    \"u1\",\n    \"u2\",\n    \"u3\",\n    \"u4\"\n]\n"),
        "{}",
        r.stderr
    );
    let targets: Vec<String> = server.requests().iter().map(|q| q.target.clone()).collect();
    assert_eq!(
        targets,
        ["/users-summary/inst", "/users-summary/inst?nextToken=t1", "/users-summary/inst?nextToken=t2"]
    );
}

#[test]
fn max_items_truncates_and_starting_token_resumes() {
    let server = Server::start(vec![
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u1"}, {"Id": "u2"}], "NextToken": "t1"}"#),
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u3"}, {"Id": "u3b"}], "NextToken": "t2"}"#),
    ]);
    let r = list_users(&server, &["--max-items", "3"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests().len(), 2);
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["UserSummaryList"].as_array().unwrap().len(), 3);
    // botocore's token: the page's request token and how many of its items were returned.
    let token = out["NextToken"].as_str().unwrap().to_owned();
    assert_eq!(token, "eyJOZXh0VG9rZW4iOiAidDEiLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==");

    let server = Server::start(vec![
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u3"}, {"Id": "u3b"}], "NextToken": "t2"}"#),
        Reply::json(200, r#"{"UserSummaryList": [{"Id": "u4"}]}"#),
    ]);
    let r = list_users(&server, &["--starting-token", &token, "--page-size", "2", "--query", "UserSummaryList[].Id"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "[\n    \"u3b\",\n    \"u4\"\n]\n");
    assert_eq!(server.requests()[0].target, "/users-summary/inst?nextToken=t1&maxResults=2");
}

#[test]
fn manual_tokens_and_no_paginate_send_one_request() {
    let server = Server::start(pages());
    let r = list_users(&server, &["--next-token", "t1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(server.requests().len(), 1);
    assert!(r.stdout.contains("\"NextToken\": \"t1\""), "{}", r.stdout);

    let server = Server::start(pages());
    let r = list_users(&server, &["--no-paginate"]);
    assert_eq!((r.code, server.requests().len()), (0, 1));

    let r = list_users(&server, &["--no-paginate", "--max-items", "1"]);
    assert_eq!(r.code, 255);
    assert!(
        r.stderr.contains("Cannot specify --no-paginate along with pagination arguments: --max-items"),
        "{}",
        r.stderr
    );
}

#[test]
fn help_shows_the_paging_options_instead_of_the_token_members() {
    let r = env().run(&["list-users", "help"]);
    assert_eq!(r.code, 0);
    let synopsis = r.stdout.split("Synopsis").nth(1).unwrap().split("Options").next().unwrap();
    for option in ["[--starting-token <value>]", "[--page-size <value>]", "[--max-items <value>]"] {
        assert!(synopsis.contains(option), "{synopsis}");
    }
    assert!(!r.stdout.contains("--next-token") && !r.stdout.contains("--max-results"), "{}", r.stdout);
    // Still accepted, as in the AWS CLI, where they turn automatic pagination off.
    assert!(!synopsis.contains("--next-token"));
}

/// `aws connect list-users ARGS` (v1) and `aws-connect list-users ARGS`, each against a server
/// with [`pages`]: exit code, stdout and the number of requests of each.
fn side_by_side(args: &[&str]) -> [(i32, String, usize); 2] {
    side_by_side_with(pages, args).map(|(code, stdout, _, requests)| (code, stdout, requests))
}

/// [`side_by_side`] with the server's `replies`, stderr included.
fn side_by_side_with(replies: fn() -> Vec<Reply>, args: &[&str]) -> [(i32, String, String, usize); 2] {
    let run = |program: &str, prefix: &[&str]| {
        let server = Server::start(replies());
        let url = server.url();
        let mut argv: Vec<&str> = prefix.to_vec();
        argv.extend(["list-users", "--instance-id", "inst", "--endpoint-url", &url]);
        argv.extend_from_slice(args);
        let out = std::process::Command::new(program)
            .args(&argv)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::temp_dir())
            .env("AWS_ACCESS_KEY_ID", loopback::ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", loopback::SECRET_ACCESS_KEY)
            .env("AWS_DEFAULT_REGION", loopback::REGION)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_PAGER", "")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr,
            server.requests().len(),
        )
    };
    [run(&crate::common::binary(), &[]), run(&crate::conformance::aws_program(), &["connect"])]
}

/// `--output text` of a paginated command goes page by page, as the AWS CLI's text formatter
/// does (v1's and v2's alike): `--query` applies to each page, and the resume token of
/// `--max-items` comes last as its own document (`NEXTTOKEN`), which the query also sees.
#[test]
fn text_output_goes_page_by_page_as_in_the_aws_cli() {
    let mut problems = Vec::new();
    for args in [
        &["--output", "text"][..],
        &["--output", "text", "--query", "UserSummaryList[].Id"],
        &["--output", "text", "--query", "length(UserSummaryList)"],
        &["--output", "text", "--max-items", "1"],
        &["--output", "text", "--max-items", "3"],
        &["--output", "text", "--max-items", "3", "--query", "UserSummaryList[].Id"],
        &["--output", "json", "--max-items", "3", "--query", "UserSummaryList[].Id"],
    ] {
        let [ours, aws] = side_by_side(args);
        if ours != aws {
            problems.push(format!("{args:?}\n  ours: {ours:?}\n  aws:  {aws:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `--output yaml-stream` of a paginated command is one YAML document per page, each the page as
/// the service sent it (its own `NextToken` included, its list cut at `--max-items`, and no
/// resume token), as AWS CLI v2's `StreamedYAMLFormatter` writes it (v1 has no YAML output: the
/// expected text is ruamel.yaml's dump of those pages, the way v2 dumps them).
#[test]
fn yaml_stream_output_is_one_document_per_page() {
    let dump = |pages: &str| {
        let script = "import json, sys\nfrom ruamel.yaml import YAML\ny = YAML(typ='safe')\ny.default_flow_style = False\n\
                      for page in json.loads(sys.argv[1]):\n    y.dump([page], sys.stdout)\n";
        let out = std::process::Command::new("python3")
            .args(["-c", script, pages])
            .output()
            .expect("python3 with ruamel.yaml is needed: pip install -r .ci/requirements.txt");
        assert!(out.status.success(), "the ruamel.yaml oracle failed: pip install -r .ci/requirements.txt");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let all = r#"[{"UserSummaryList": [{"Id": "u1"}, {"Id": "u2"}], "NextToken": "t1"},
                  {"UserSummaryList": [{"Id": "u3"}], "NextToken": "t2"}, {"UserSummaryList": [{"Id": "u4"}]}]"#;
    let cut = r#"[{"UserSummaryList": [{"Id": "u1"}], "NextToken": "t1"}]"#;
    for (args, expected) in
        [(&["--output", "yaml-stream"][..], all), (&["--output", "yaml-stream", "--max-items", "1"], cut)]
    {
        let server = Server::start(pages());
        let r = list_users(&server, args);
        assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, dump(expected).as_str(), ""), "{args:?}");
    }
}

/// A service that sends the same next token twice ends the command as botocore's paginator ends
/// it: `Error during pagination: …` with the token as Python prints it, exit 255.
#[test]
fn the_same_next_token_twice_is_a_pagination_error() {
    fn replies() -> Vec<Reply> {
        let page = r#"{"UserSummaryList": [{"Id": "u1"}], "NextToken": "again"}"#;
        vec![Reply::json(200, page), Reply::json(200, page), Reply::json(200, page)]
    }
    let [ours, aws] = side_by_side_with(replies, &["--output", "json"]);
    let message = "Error during pagination: The same next token was received twice: {'NextToken': 'again'}";
    assert_eq!(
        (ours.0, ours.1.as_str(), ours.2.as_str(), ours.3),
        (255, "", format!("\naws-connect: [ERROR]: {message}\n").as_str(), 2)
    );
    assert_eq!((aws.0, aws.1.as_str(), aws.2.trim(), aws.3), (255, "", message, 2));
}
