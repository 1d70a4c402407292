//! Running the binary in a controlled environment and rendering its result for snapshots.

use std::path::PathBuf;
use std::process::Command;

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The whole result, as pinned in snapshots.
    pub fn snapshot(&self) -> String {
        format!("exit_code: {}\n----- stdout -----\n{}----- stderr -----\n{}", self.code, self.stdout, self.stderr)
    }
}

/// A temporary home directory and environment for one test.
pub struct Env {
    pub home: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        Env { home: tempfile::tempdir().expect("temp dir"), vars: Vec::new() }
    }

    #[allow(dead_code)]
    pub fn var(mut self, key: &str, value: &str) -> Env {
        self.vars.push((key.to_owned(), value.to_owned()));
        self
    }

    #[allow(dead_code)]
    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Runs `aws-connect ARGS` with only this environment (no AWS settings of the machine).
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(binary())
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(self.home.path())
            .output()
            .expect("run aws-connect");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `aws-connect ARGS` in a fresh environment.
pub fn run(args: &[&str]) -> Run {
    Env::new().run(args)
}

/// An environment with the loopback server's test credentials and region, and no instance
/// metadata lookups.
#[allow(dead_code)]
pub fn aws_env() -> Env {
    Env::new()
        .var("AWS_ACCESS_KEY_ID", loopback::ACCESS_KEY_ID)
        .var("AWS_SECRET_ACCESS_KEY", loopback::SECRET_ACCESS_KEY)
        .var("AWS_REGION", loopback::REGION)
        .var("AWS_EC2_METADATA_DISABLED", "true")
}

/// The binary under test: the one cargo built for these tests, or the one `AWS_CONNECT_TEST_BIN`
/// names, so that the shipped build (`cargo xtask dist`) can be put through the same tests.
pub fn binary() -> String {
    std::env::var("AWS_CONNECT_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_aws-connect").to_owned())
}
