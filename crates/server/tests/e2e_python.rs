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
    assert!(
        out.status.success(),
        "Python end-to-end tests failed:\n{stderr}"
    );
}

/// LMTP delivery with Python's smtplib.LMTP (tests/e2e/test_lmtp.py).
#[test]
fn python_smtplib_lmtp_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("python3")
        .args(["-m", "unittest", "-v", "test_lmtp"])
        .current_dir(root.join("tests/e2e"))
        .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
        .output()
        .expect("python3 must be installed (see .ci/run)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(
        out.status.success(),
        "Python LMTP end-to-end tests failed:\n{stderr}"
    );
}

/// Issue 3: TLS policy, SASL mechanisms (scramp as the independent SCRAM client), app
/// passwords, throttling and bans, SNI and reload, and no secret in any log.
#[test]
fn python_security_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/e2e");
    let out = Command::new("python3")
        .arg("-m")
        .arg("unittest")
        .arg("-v")
        .arg("test_security")
        .current_dir(&dir)
        .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
        .output()
        .expect("python3 must be installed (see .ci/run)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(
        out.status.success(),
        "Python security end-to-end tests failed:\n{stderr}"
    );
}

/// Issue 5: a real Postfix (Debian package) in a throw-away directory delivering to Loft's
/// LMTP (tests/e2e/test_postfix.py); skipped with the reason printed when Postfix is not
/// installed or not runnable.
#[test]
fn python_postfix_lmtp_end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("python3")
        .args(["-m", "unittest", "-v", "test_postfix"])
        .current_dir(root.join("tests/e2e"))
        .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
        .output()
        .expect("python3 must be installed (see .ci/run)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(
        out.status.success(),
        "Python Postfix end-to-end test failed:\n{stderr}"
    );
}
