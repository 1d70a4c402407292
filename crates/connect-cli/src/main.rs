//! The `aws-connect` binary.

fn main() -> std::process::ExitCode {
    connect_cli::main()
}
