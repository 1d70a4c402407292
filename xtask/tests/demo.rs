//! `cargo xtask demo`, the README's first command, as a person runs it (with the binaries that
//! `cargo test --workspace` built): it starts connect-emulator, creates an instance and a user,
//! and the seed command changes what `describe-user` shows; its `--debug` log keeps the secret
//! key out.

use std::process::Command;

use loopback::SECRET_ACCESS_KEY;

#[test]
fn the_demo_changes_the_users_identity_info_through_the_emulator() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["demo", "--no-build"])
        .current_dir(xtask::workspace_root())
        .output()
        .expect("the xtask binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo xtask demo failed:\n{stdout}\n{stderr}");
    assert!(stdout.starts_with("connect-emulator: listening on http://127.0.0.1:"), "{stdout}");
    let (before, after) = stdout.split_once("\nAfter:\n").expect("an After: section");
    let before = before.split_once("Before:\n").expect("a Before: section").1;
    let before = before.split_once("\nThe seed command").expect("the seed command").0;
    assert!(!before.contains("marym@example.com"), "{before}");
    for expected in ["\"FirstName\": \"Mary\"", "\"LastName\": \"Major\"", "\"Email\": \"marym@example.com\""] {
        assert!(after.contains(expected), "{expected} after the seed command:\n{after}");
    }
    assert!(stderr.contains("UpdateUserIdentityInfo"), "the --debug log names the operation:\n{stderr}");
    assert!(!stderr.contains(SECRET_ACCESS_KEY) && !stdout.contains(SECRET_ACCESS_KEY), "the secret key is not shown");
}
