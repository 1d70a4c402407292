//! The `aws-connect` binary.

#[cfg(target_env = "musl")]
mod heap;

/// The allocator of the musl builds (the shipped Linux binaries): dlmalloc ([`heap`]).
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: heap::Heap = heap::Heap::new();

fn main() -> std::process::ExitCode {
    connect_cli::main()
}
