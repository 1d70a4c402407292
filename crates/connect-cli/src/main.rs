//! The `aws-connect` binary.

/// The allocator of the musl builds (the shipped Linux binaries). musl's own allocator returns
/// pages to the system as soon as a size class empties, so a short command that grows a few
/// buffers maps and unmaps memory dozens of times, each a system call and fresh page faults;
/// dlmalloc keeps what it mapped (README "Speed").
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

fn main() -> std::process::ExitCode {
    connect_cli::main()
}
