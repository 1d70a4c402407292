//! `cargo xtask`: the command-line entry of the project's automation.

use std::process::ExitCode;

use xtask::{GENERATED_DIR, MODEL, Mode, PARTITIONS, QUOTAS, Source, codegen, workspace_root};

const USAGE: &str = "usage: cargo xtask <command>\n\n\
    codegen          regenerate crates/connect-core/src/generated/ from models/connect.json, partitions.json and quotas.json\n\
    codegen --check  fail with a diff when the generated code is stale\n\
    import [--all] [--model PATH] [--check] [OPERATION...]\n\
                     copy operations' facts from an official model (default ../shared/models/connect-2017-08-08.json)\n\
    dist [--target TRIPLE]
                     build the shipped binary (static-PIE musl on Linux; `dist` profile) and print its path
    dist --check --target TRIPLE
                     type-check for a target that cannot be linked here (x86_64/aarch64-apple-darwin)
    smoke [--target TRIPLE] [--profile dist|release|dev] [--bin PATH]
                     run the platform smoke suite against the shipped binary (under Wine or qemu-user;
                     --profile release: the same code without whole-program optimization; dev: unoptimized, fastest to build)
    demo [--no-build]
                     build, start connect-emulator, create an instance and a user, run the seed command (--debug)\n\
    bench [--runs N] [--bin PATH]...
                     measure aws-connect and aws side by side against connect-emulator (wall time, peak RSS),
                     beside a hello-world program built the same way\n\
    bench --bulk [--rows N] [--memory-rows N] [overhead|quota|memory|kill...]\n\
                     the --cli-input-rows figures against connect-emulator\n\
    relocs PATH      what a static-PIE's packed relocations point at (build it with CARGO_PROFILE_DIST_STRIP=false)";

fn main() -> ExitCode {
    // Run by rustc as a target's linker (`cargo xtask dist` of a static-PIE rustc does not link).
    if let Some(real) = std::env::var_os(xtask::link::REAL_LINKER) {
        return xtask::link::run(&real, std::env::args_os().skip(1));
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(Mode::Write),
        ["codegen", "--check"] => run_codegen(Mode::Check),
        ["import", rest @ ..] => run_import(rest),
        ["dist"] => xtask::dist::build().map(|path| println!("{}", path.display())),
        ["dist", "--target", target] => xtask::dist::build_for(Some(target)).map(|path| println!("{}", path.display())),
        ["dist", "--check", "--target", target] => xtask::dist::check(target),
        ["smoke", rest @ ..] => xtask::smoke::run(rest),
        ["demo"] => xtask::run::demo(true),
        ["demo", "--no-build"] => xtask::run::demo(false),
        ["bench", rest @ ..] => xtask::run::bench(rest),
        ["relocs", rest @ ..] => xtask::relocs::run(rest),
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
    let (model, partitions, quotas) = (root.join(MODEL), root.join(PARTITIONS), root.join(QUOTAS));
    codegen(
        Source { path: &model, label: MODEL },
        Source { path: &partitions, label: PARTITIONS },
        Source { path: &quotas, label: QUOTAS },
        &root.join(GENERATED_DIR),
        mode,
    )
}

fn run_import(args: &[&str]) -> Result<(), String> {
    let root = workspace_root();
    let mut official = root.join("../shared/models/connect-2017-08-08.json");
    let mut operations = Vec::new();
    let (mut all, mut check) = (false, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "--all" => all = true,
            "--check" => check = true,
            "--model" => official = it.next().ok_or("--model takes a path")?.into(),
            op if !op.starts_with('-') => operations.push(op.to_owned()),
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        }
    }
    let ours = root.join(MODEL);
    let summary =
        xtask::import::import(&xtask::import::Options { operations, all, official: &official, ours: &ours, check })?;
    eprintln!("{summary}");
    Ok(())
}
