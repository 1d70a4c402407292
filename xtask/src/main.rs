//! `cargo xtask`: the command-line entry of the project's automation.

use std::process::ExitCode;

use xtask::{GENERATED_DIR, MODEL, Mode, codegen, workspace_root};

const USAGE: &str = "usage: cargo xtask <command>\n\n\
    codegen          regenerate crates/connect-core/src/generated/ from models/connect.json\n\
    codegen --check  fail with a diff when the generated code is stale\n\
    demo             build, then send the seed command (--debug) to a loopback server that verifies it\n\
    bench [--runs N] measure aws-connect and aws side by side (wall time, peak RSS)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(Mode::Write),
        ["codegen", "--check"] => run_codegen(Mode::Check),
        ["demo"] => xtask::run::demo(),
        ["bench", rest @ ..] => xtask::run::bench(rest),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(mode: Mode) -> Result<(), String> {
    let root = workspace_root();
    codegen(&root.join(MODEL), MODEL, &root.join(GENERATED_DIR), mode)
}
