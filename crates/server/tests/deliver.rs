//! `loft deliver`: sysexits exit codes, flags, mailbox choice, Return-Path; checked through
//! `loft export` (so the export writer is exercised too).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const LOFT: &str = env!("CARGO_BIN_EXE_loft");

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(LOFT)
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn loft");
    // The process may exit before reading (usage errors): ignore a broken pipe.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[track_caller]
fn code(out: &Output, want: i32) {
    assert_eq!(
        out.status.code(),
        Some(want),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").to_str().unwrap().to_string();
    code(
        &run(
            &[
                "user",
                "add",
                "alice",
                "--password-stdin",
                "--data-dir",
                &data,
            ],
            b"pw\n",
        ),
        0,
    );
    (dir, data)
}

fn maildir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("cur"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn deliver_with_flags_mailbox_and_return_path() {
    let (dir, data) = setup();
    let msg = b"From sender@remote Thu Nov 27 10:00:00 2025\nSubject: hi\nFrom: s@remote\n\nbody\n";
    let out = run(
        &[
            "deliver",
            "--user",
            "alice",
            "--data-dir",
            &data,
            "-m",
            "archive",
            "--flags",
            "\\Seen \\Flagged",
            "-f",
            "s@remote",
        ],
        msg,
    );
    code(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("delivered to alice Archive UID 1"));
    // Sub-addressing with an unknown folder falls back to INBOX.
    code(
        &run(
            &["deliver", "--user", "alice+nosuch", "--data-dir", &data],
            b"Subject: two\n\nx\n",
        ),
        0,
    );

    let export = dir.path().join("export");
    code(
        &run(
            &[
                "export",
                "--user",
                "alice",
                "maildir",
                export.to_str().unwrap(),
                "--data-dir",
                &data,
            ],
            b"",
        ),
        0,
    );
    let archive = maildir_files(&export.join(".Archive"));
    assert_eq!(archive.len(), 1);
    assert!(archive[0].0.ends_with(":2,FS"), "{}", archive[0].0);
    assert_eq!(
        archive[0].1,
        b"Return-Path: <s@remote>\r\nSubject: hi\r\nFrom: s@remote\r\n\r\nbody\r\n"
    );
    let inbox = maildir_files(&export);
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].1, b"Subject: two\r\n\r\nx\r\n");
}

#[test]
fn sysexits_codes() {
    let (dir, data) = setup();
    // EX_NOUSER
    code(
        &run(
            &["deliver", "--user", "nobody", "--data-dir", &data],
            b"Subject: x\n\nx\n",
        ),
        67,
    );
    // EX_DATAERR: empty message
    code(
        &run(&["deliver", "--user", "alice", "--data-dir", &data], b"\n"),
        65,
    );
    // EX_USAGE: bad flags, unknown option, missing --user
    code(
        &run(
            &[
                "deliver",
                "--user",
                "alice",
                "--data-dir",
                &data,
                "--flags",
                "\\Bogus",
            ],
            b"S: x\n\nx\n",
        ),
        64,
    );
    code(&run(&["deliver", "--user", "alice", "--bogus"], b""), 64);
    code(&run(&["deliver"], b""), 64);
    // EX_TEMPFAIL: the data directory is not there (not mounted yet?)
    let missing = dir.path().join("missing");
    code(
        &run(
            &[
                "deliver",
                "--user",
                "alice",
                "--data-dir",
                missing.to_str().unwrap(),
            ],
            b"S: x\n\nx\n",
        ),
        75,
    );
}
