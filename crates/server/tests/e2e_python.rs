//! Runs the Python end-to-end suites (tests/e2e/) against the built `loft` binary, so that
//! `cargo test --workspace` includes independent client implementations (imaplib,
//! smtplib.LMTP, scramp, a real Postfix).

use std::path::Path;
use std::process::Command;

/// Run `python3 -m unittest -v <module>` in tests/e2e with LOFT_BIN set; fail with its output.
fn run_python_suite(module: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e");
    let out = Command::new("python3")
        .args(["-m", "unittest", "-v", module])
        .current_dir(&dir)
        .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
        .output()
        .expect("python3 must be installed (see .ci/run)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(
        out.status.success(),
        "Python end-to-end suite {module} failed:\n{stderr}"
    );
}

/// The core session, STARTTLS/implicit TLS, IDLE, bad input, and SIGKILL durability.
#[test]
fn python_imaplib_end_to_end() {
    run_python_suite("test_imaplib");
}

/// LMTP delivery with Python's smtplib.LMTP (tests/e2e/test_lmtp.py).
#[test]
fn python_smtplib_lmtp_end_to_end() {
    run_python_suite("test_lmtp");
}

/// Issue 3: TLS policy, SASL mechanisms (scramp as the independent SCRAM client), app
/// passwords, throttling and bans, SNI and reload, and no secret in any log.
#[test]
fn python_security_end_to_end() {
    run_python_suite("test_security");
}

/// Issue 5: a real Postfix (Debian package) in a throw-away directory delivering to Loft's
/// LMTP (tests/e2e/test_postfix.py); skipped with the reason printed when Postfix is not
/// installed or not runnable.
#[test]
fn python_postfix_lmtp_end_to_end() {
    run_python_suite("test_postfix");
}
