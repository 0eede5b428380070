//! `loft import` and `loft export`: formats, flags, keywords, dates, idempotence and
//! round trips between them.

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
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[track_caller]
fn ok(out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn user(data: &str, name: &str) {
    ok(run(
        &["user", "add", name, "--password-stdin", "--data-dir", data],
        b"pw\n",
    ));
}

const MBOX: &str = "From a@example.org Mon Jan  6 10:00:00 2020\n\
Subject: one\nStatus: RO\nX-Status: F\nX-Keywords: $Work\n\n>From the start\n>>From quoted\n\n\
From b@example.org Tue Jan  7 11:00:00 2020\nSubject: two\nStatus: O\n\nsecond\n\n\
From c@example.org Wed Jan  8 12:00:00 2020\nSubject: three\n\nthird\n";

#[test]
fn mbox_import_is_idempotent_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    user(data, "alice");
    let file = dir.path().join("Lists.mbox");
    std::fs::write(&file, MBOX).unwrap();
    let f = file.to_str().unwrap();

    let out = ok(run(
        &["import", "--user", "alice", "mbox", f, "--data-dir", data],
        b"",
    ));
    assert!(
        out.contains("Lists: 3 read, 3 imported, 0 skipped"),
        "{out}"
    );
    assert!(out.contains("folders: 1 read, 1 created"), "{out}");
    // Again: nothing twice.
    let out = ok(run(
        &["import", "--user", "alice", "mbox", f, "--data-dir", data],
        b"",
    ));
    assert!(
        out.contains("Lists: 3 read, 0 imported, 3 skipped"),
        "{out}"
    );
    assert!(out.contains("3 already present"), "{out}");

    // Export as maildir: flags in names, keywords file, dates as mtimes.
    let md = dir.path().join("md");
    ok(run(
        &[
            "export",
            "--user",
            "alice",
            "maildir",
            md.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    let lists = md.join(".Lists");
    let mut names: Vec<String> = std::fs::read_dir(lists.join("cur"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3);
    assert!(names[0].ends_with(":2,FSa"), "{names:?}");
    assert!(names[1].ends_with(":2,"), "{names:?}");
    assert_eq!(
        std::fs::read_to_string(lists.join("dovecot-keywords")).unwrap(),
        "0 $Work\n"
    );
    let first = std::fs::read(lists.join("cur").join(&names[0])).unwrap();
    assert_eq!(
        first,
        b"Subject: one\r\n\r\nFrom the start\r\n>From quoted\r\n"
    );
    let mtime = std::fs::metadata(lists.join("cur").join(&names[0]))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        mtime
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        1578304800
    );

    // That maildir into another account: same messages, flags and keywords.
    user(data, "bob");
    let out = ok(run(
        &[
            "import",
            "--user",
            "bob",
            "maildir",
            md.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    assert!(out.contains("Lists: 3 read, 3 imported"), "{out}");

    // mbox export of bob equals mbox export of alice (flags, keywords, dates, bytes).
    let (ma, mb) = (dir.path().join("ma"), dir.path().join("mb"));
    ok(run(
        &[
            "export",
            "--user",
            "alice",
            "mbox",
            ma.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    ok(run(
        &[
            "export",
            "--user",
            "bob",
            "mbox",
            mb.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    let a = std::fs::read_to_string(ma.join("Lists.mbox")).unwrap();
    assert_eq!(a, std::fs::read_to_string(mb.join("Lists.mbox")).unwrap());
    assert!(a.starts_with("From MAILER-DAEMON Mon Jan  6 10:00:00 2020\nStatus: RO\nX-Status: F\nX-Keywords: $Work\nSubject: one\n"), "{a}");
    assert!(a.contains("\n>From the start\n>>From quoted\n"), "{a}");

    // And the exported mbox imports back into the same mailbox as nothing new.
    let out = ok(run(
        &[
            "import",
            "--user",
            "alice",
            "mbox",
            ma.join("Lists.mbox").to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    assert!(out.contains("0 imported, 3 skipped"), "{out}");
}

#[test]
fn maildir_plus_plus_with_dovecot_keywords() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    user(data, "carol");
    let md = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
        std::fs::create_dir_all(md.join(".Work.Projekte &AMQ-").join(sub)).unwrap();
    }
    std::fs::write(md.join("new/1000.M1.host"), "Subject: new\n\nunread\n").unwrap();
    std::fs::write(
        md.join("cur/999.M1.host:2,RS"),
        "Subject: old\n\nread and answered\n",
    )
    .unwrap();
    let work = md.join(".Work.Projekte &AMQ-");
    std::fs::write(work.join("dovecot-keywords"), "0 $Important\n1 Later\n").unwrap();
    std::fs::write(work.join("cur/5.M1.host:2,Fb"), "Subject: w\n\nx\n").unwrap();
    let out = ok(run(
        &[
            "import",
            "--user",
            "carol",
            "maildir",
            md.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    assert!(out.contains("INBOX: 2 read, 2 imported"), "{out}");
    assert!(out.contains("Work/Projekte Ä: 1 read, 1 imported"), "{out}");
    assert!(out.contains("folders: 2 read, 1 created"), "{out}");

    let back = dir.path().join("back");
    ok(run(
        &[
            "export",
            "--user",
            "carol",
            "maildir",
            back.to_str().unwrap(),
            "--data-dir",
            data,
        ],
        b"",
    ));
    let names = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p.join("cur"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let inbox = names(&back);
    assert_eq!(inbox.len(), 2);
    assert!(inbox.iter().any(|n| n.ends_with(":2,RS")), "{inbox:?}");
    assert!(inbox.iter().any(|n| n.ends_with(":2,")), "{inbox:?}");
    let w = back.join(".Work.Projekte &AMQ-");
    assert_eq!(names(&w).len(), 1);
    assert!(names(&w)[0].ends_with(":2,Fa"), "{:?}", names(&w));
    assert_eq!(
        std::fs::read_to_string(w.join("dovecot-keywords")).unwrap(),
        "0 Later\n"
    );
}
