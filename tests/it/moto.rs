//! A real peer end to end: moto's server implements Connect's instance, tag and analytics
//! operations. `.ci/run` starts it and passes its address in `MOTO_URL`; without that, the test
//! starts one itself. It fails, never skips, when moto is not installed.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Env, Run};

/// A moto server on loopback, stopped on drop when this test started it.
struct Moto {
    url: String,
    child: Option<Child>,
}

impl Moto {
    fn start() -> Moto {
        if let Ok(url) = std::env::var("MOTO_URL") {
            return Moto { url, child: None };
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server is needed: pip install -r .ci/requirements.txt (.ci/run does)");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { url: format!("http://127.0.0.1:{port}"), child: Some(child) }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn run(env: &Env, moto: &Moto, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--endpoint-url", &moto.url]);
    let r = env.run(&all);
    assert!(r.stderr.is_empty() || r.code != 0, "{args:?}: {}", r.stderr);
    r
}

fn json(r: &Run) -> Value {
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn instances_and_tags_against_moto() {
    let moto = Moto::start();
    let env = Env::new()
        .var("AWS_ACCESS_KEY_ID", "testing")
        .var("AWS_SECRET_ACCESS_KEY", "testing")
        .var("AWS_REGION", "us-east-1")
        .var("AWS_EC2_METADATA_DISABLED", "true");
    // Two instances, with unique aliases so that a shared server does not confuse the test.
    let suffix = std::process::id();
    let mut created = Vec::new();
    for n in 0..2 {
        let alias = format!("e2e-{suffix}-{n}");
        let r = run(
            &env,
            &moto,
            &[
                "create-instance",
                "--identity-management-type",
                "CONNECT_MANAGED",
                "--instance-alias",
                &alias,
                "--inbound-calls-enabled",
                "--no-outbound-calls-enabled",
            ],
        );
        let out = json(&r);
        created.push((out["Id"].as_str().unwrap().to_owned(), out["Arn"].as_str().unwrap().to_owned(), alias));
    }
    let (id, arn, alias) = created[0].clone();

    let out = json(&run(&env, &moto, &["describe-instance", "--instance-id", &id]));
    assert_eq!(out["Instance"]["InstanceAlias"], alias.as_str());
    assert_eq!(out["Instance"]["OutboundCallsEnabled"], false);

    // Paginated: one item and a resume token, then the rest from that token.
    let all = json(&run(&env, &moto, &["list-instances"]));
    let total = all["InstanceSummaryList"].as_array().unwrap().len();
    assert!(total >= 2);
    let first = json(&run(&env, &moto, &["list-instances", "--max-items", "1"]));
    assert_eq!(first["InstanceSummaryList"].as_array().unwrap().len(), 1);
    let token = first["NextToken"].as_str().expect("a resume token").to_owned();
    let rest = json(&run(&env, &moto, &["list-instances", "--starting-token", &token]));
    assert_eq!(rest["InstanceSummaryList"].as_array().unwrap().len(), total - 1);

    let r = run(&env, &moto, &["tag-resource", "--resource-arn", &arn, "--tags", "team=blue,env=test"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    let tags = json(&run(&env, &moto, &["list-tags-for-resource", "--resource-arn", &arn]));
    assert_eq!(tags["tags"], serde_json::json!({"team": "blue", "env": "test"}));
    let r = run(&env, &moto, &["untag-resource", "--resource-arn", &arn, "--tag-keys", "env"]);
    assert_eq!(r.code, 0);
    let r = run(&env, &moto, &["list-tags-for-resource", "--resource-arn", &arn, "--output", "text"]);
    assert_eq!(r.stdout, "TAGS\tblue\n");

    for (id, ..) in &created {
        let r = run(&env, &moto, &["delete-instance", "--instance-id", id]);
        assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    }
    let r = run(&env, &moto, &["describe-instance", "--instance-id", &id]);
    assert_eq!(r.code, 254);
    assert!(
        r.stderr.contains("An error occurred (ResourceNotFoundException) when calling the DescribeInstance operation")
    );
}
