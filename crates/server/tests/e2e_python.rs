//! Runs the Python end-to-end suite (tests/e2e/) against the built `loft` binary, so that
//! `cargo test --workspace` includes an independent client implementation (imaplib).

use std::path::Path;
use std::process::Command;

#[test]
fn python_imaplib_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/e2e");
    let out = Command::new("python3")
        .arg("-m")
        .arg("unittest")
        .arg("-v")
        .arg("test_imaplib")
        .current_dir(&dir)
        .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
        .output()
        .expect("python3 must be installed (see .ci/run)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(out.status.success(), "Python end-to-end tests failed:\n{stderr}");
}
