//! Links `aws-connect` as a position-dependent executable on Linux: the generated API tables are
//! static data full of pointers, which a position-independent executable must relocate (and so
//! copy) at every start; linked at a fixed address they are read straight from the file, page by
//! page, as a command touches them.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
