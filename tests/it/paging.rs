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
    let r = list_users(&server, &["--query", "UserSummaryList[].Id", "--output", "text"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "u1\tu2\tu3\tu4\n"), "{}", r.stderr);
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
