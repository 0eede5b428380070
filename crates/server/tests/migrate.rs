//! `loft migrate`: a whole account copied over IMAP, against Loft itself as the source
//! (every message's bytes, flags, keywords, internal date, UID and UIDVALIDITY compared;
//! a migration killed midway and run again copies nothing twice) and against a throw-away
//! Dovecot on loopback (skipped with a printed reason when Dovecot is not installed).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use loft_store::{EmbeddedStore, FlagOp, Flags, NewMessage, SpecialUse, Store, Uid};

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

fn add_user(data: &str, name: &str, password: &str) {
    ok(run(
        &["user", "add", name, "--password-stdin", "--data-dir", data],
        format!("{password}\n").as_bytes(),
    ));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn wait_for_greeting(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            let mut line = String::new();
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with("* OK") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not start on port {port}");
}

/// `loft serve` on free loopback ports; killed when dropped.
struct Serve {
    child: Child,
    imap_port: u16,
    imaps_port: u16,
}

impl Serve {
    fn start(dir: &Path, data: &str) -> Serve {
        let (imap_port, imaps_port) = (free_port(), free_port());
        let config = dir.join("source.toml");
        std::fs::write(
            &config,
            format!(
                "data_dir = \"{data}\"\n\n[[imap.listen]]\naddress = \"127.0.0.1:{imap_port}\"\ntls = \"starttls\"\n\n\
                 [[imap.listen]]\naddress = \"127.0.0.1:{imaps_port}\"\ntls = \"implicit\"\n\n[auth]\nplaintext = \"loopback\"\n"
            ),
        )
        .unwrap();
        let child = Command::new(LOFT)
            .args(["serve", "--config", config.to_str().unwrap()])
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_greeting(imap_port, "loft serve");
        Serve {
            child,
            imap_port,
            imaps_port,
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Message = (u32, u8, Vec<String>, DateTime<FixedOffset>, Vec<u8>);

/// Per mailbox: UIDVALIDITY, special use, subscribed, and every message (UID, flag bits,
/// keywords sorted, internal date, bytes).
type Dump = BTreeMap<String, (u32, Option<SpecialUse>, bool, Vec<Message>)>;

fn dump(data: &str, user: &str) -> Dump {
    rt().block_on(async {
        let store = EmbeddedStore::open(Path::new(data)).await.unwrap();
        let account = store.account(user).await.unwrap().unwrap().id;
        let mut out = Dump::new();
        for m in store.mailboxes(account).await.unwrap() {
            let snap = store.snapshot(account, m.id).await.unwrap();
            let uids: Vec<Uid> = snap.messages.iter().map(|x| x.uid).collect();
            let mut messages = Vec::new();
            for r in store.records(account, m.id, &uids).await.unwrap() {
                let mut keywords = r.flags.keywords.clone();
                keywords.sort();
                let bytes = store.blob(account, &r.blob).await.unwrap();
                messages.push((r.uid.get(), r.flags.bits, keywords, r.internal_date, bytes));
            }
            out.insert(
                m.name.clone(),
                (
                    m.uid_validity.get(),
                    m.special_use,
                    m.is_subscribed,
                    messages,
                ),
            );
        }
        out
    })
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "From: sender{i}@example.org\r\nTo: alice@example.org\r\nSubject: message {i}\r\n\
         Message-ID: <{i}@example.org>\r\n\r\nBody of message {i}.\r\n{}\r\n",
        "x".repeat(i % 300)
    )
    .into_bytes()
}

/// Fill the source account: nested and non-ASCII names, flags, keywords, dates, UID gaps,
/// a subscription, a mailbox with a special use of its own.
fn fill_source(data: &str, inbox_messages: usize) {
    rt().block_on(async {
        let store = EmbeddedStore::open(Path::new(data)).await.unwrap();
        let account = store.account("alice").await.unwrap().unwrap().id;
        store
            .create_mailbox(account, "Work/Projects", None)
            .await
            .unwrap();
        store
            .create_mailbox(account, "Entwürfe", None)
            .await
            .unwrap();
        store.create_mailbox(account, "Empty", None).await.unwrap();
        store
            .create_mailbox(account, "Old Mail", Some(SpecialUse::All))
            .await
            .unwrap();
        store
            .set_subscribed(account, "Work/Projects", true)
            .await
            .unwrap();
        let date = |d: u32| {
            DateTime::parse_from_rfc3339(&format!("2021-03-{d:02}T10:20:30+02:00")).unwrap()
        };
        for (name, n) in [
            ("INBOX", inbox_messages),
            ("Work/Projects", 7),
            ("Entwürfe", 3),
            ("Old Mail", 2),
        ] {
            let m = store.mailbox(account, name).await.unwrap().unwrap();
            let mut batch = Vec::new();
            for i in 0..n {
                let mut flags = Flags::default();
                if i % 2 == 0 {
                    flags.bits |= Flags::SEEN;
                }
                if i % 5 == 1 {
                    flags.bits |= Flags::FLAGGED | Flags::ANSWERED;
                }
                if i % 7 == 3 {
                    flags.add_keyword("$Work");
                    flags.add_keyword("Project-X");
                }
                batch.push(NewMessage {
                    content: message(i),
                    flags,
                    internal_date: Some(date(1 + (i % 28) as u32)),
                });
            }
            for chunk in batch.chunks(100) {
                store.append(account, m.id, chunk.to_vec()).await.unwrap();
            }
            // Gaps: the target must keep UIDs 1, 3, 5... not renumber them.
            let gone: Vec<Uid> = (2..=n as u32).step_by(4).filter_map(Uid::new).collect();
            let mut deleted = Flags::default();
            deleted.bits = Flags::DELETED;
            store
                .store_flags(account, m.id, &gone, FlagOp::Add, &deleted, None)
                .await
                .unwrap();
            store.expunge(account, m.id, Some(&gone)).await.unwrap();
        }
    });
}

/// Every mailbox of the source, exactly, in the target (which may have more mailboxes).
#[track_caller]
fn assert_same(source: &Dump, target: &Dump) {
    for (name, (uv, special_use, subscribed, messages)) in source {
        let Some((tuv, tsu, tsub, tmessages)) = target.get(name) else {
            panic!(
                "mailbox {name} missing in the target: {:?}",
                target.keys().collect::<Vec<_>>()
            );
        };
        assert_eq!(tuv, uv, "UIDVALIDITY of {name}");
        assert_eq!(tsu, special_use, "special use of {name}");
        assert_eq!(tsub, subscribed, "subscription of {name}");
        assert_eq!(tmessages.len(), messages.len(), "message count of {name}");
        for (a, b) in messages.iter().zip(tmessages) {
            assert_eq!(a.0, b.0, "UID in {name}");
            assert_eq!((a.1, &a.2), (b.1, &b.2), "flags of {name} UID {}", a.0);
            assert_eq!(a.3, b.3, "internal date of {name} UID {}", a.0);
            assert_eq!(
                a.3.offset(),
                b.3.offset(),
                "internal date zone of {name} UID {}",
                a.0
            );
            assert!(a.4 == b.4, "bytes of {name} UID {}", a.0);
        }
    }
}

fn setup_pair(inbox_messages: usize) -> (tempfile::TempDir, String, String, Serve) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source").to_str().unwrap().to_string();
    let target = dir.path().join("target").to_str().unwrap().to_string();
    add_user(&source, "alice", "source-pw");
    add_user(&target, "alice", "target-pw");
    fill_source(&source, inbox_messages);
    let serve = Serve::start(dir.path(), &source);
    (dir, source, target, serve)
}

#[test]
fn migrate_from_loft_keeps_everything() {
    let (_dir, source, target, serve) = setup_pair(40);
    let url = format!("imaps://alice@127.0.0.1:{}", serve.imaps_port);
    let args = [
        "migrate",
        "--from",
        &url,
        "--user",
        "alice",
        "--password-stdin",
        "--insecure",
        "--data-dir",
        &target,
    ];
    let out = ok(run(&args, b"source-pw\n"));
    assert!(
        out.contains("INBOX: 30 copied, 0 skipped, UIDs kept"),
        "{out}"
    );
    assert!(out.contains("Entwürfe: 2 copied"), "{out}");
    assert!(out.contains("messages: 38 copied, 0 skipped"), "{out}");
    drop(serve);
    assert_same(&dump(&source, "alice"), &dump(&target, "alice"));

    // Run again: nothing new, nothing twice.
    let serve = Serve::start(_dir.path(), &source);
    let url = format!("imaps://alice@127.0.0.1:{}", serve.imaps_port);
    let args = [
        "migrate",
        "--from",
        &url,
        "--user",
        "alice",
        "--password-stdin",
        "--insecure",
        "--data-dir",
        &target,
    ];
    let out = ok(run(&args, b"source-pw\n"));
    assert!(out.contains("messages: 0 copied, 0 skipped"), "{out}");
    drop(serve);
    assert_same(&dump(&source, "alice"), &dump(&target, "alice"));
}

#[test]
fn migrate_refuses_bad_password_certificate_and_plaintext() {
    let (_dir, _source, target, serve) = setup_pair(1);
    let imaps = format!("imaps://alice@127.0.0.1:{}", serve.imaps_port);
    // Self-signed certificate, no --insecure: refused.
    let out = run(
        &[
            "migrate",
            "--from",
            &imaps,
            "--user",
            "alice",
            "--password-stdin",
            "--data-dir",
            &target,
        ],
        b"source-pw\n",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Wrong password.
    let out = run(
        &[
            "migrate",
            "--from",
            &imaps,
            "--user",
            "alice",
            "--password-stdin",
            "--insecure",
            "--data-dir",
            &target,
        ],
        b"wrong\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("wrong"),
        "the password must not be echoed"
    );
    // Plaintext only to loopback.
    let out = run(
        &[
            "migrate",
            "--from",
            "imap://alice@192.0.2.1",
            "--user",
            "alice",
            "--password-stdin",
            "--allow-plaintext",
            "--data-dir",
            &target,
        ],
        b"source-pw\n",
    );
    assert_eq!(out.status.code(), Some(2));
    // STARTTLS (the default for imap://) with --insecure works.
    let imap = format!("imap://alice@127.0.0.1:{}", serve.imap_port);
    let out = ok(run(
        &[
            "migrate",
            "--from",
            &imap,
            "--user",
            "alice",
            "--password-stdin",
            "--insecure",
            "--data-dir",
            &target,
        ],
        b"source-pw\n",
    ));
    assert!(out.contains("messages: 9 copied"), "{out}");
}

#[test]
fn migrate_killed_midway_resumes_without_duplicates() {
    let (_dir, source, target, serve) = setup_pair(600);
    let url = format!("imap://alice@127.0.0.1:{}", serve.imap_port);
    let args = [
        "migrate",
        "--from",
        &url,
        "--user",
        "alice",
        "--password-stdin",
        "--allow-plaintext",
        "--batch-messages",
        "5",
        "--data-dir",
        &target,
    ];
    let mut child = Command::new(LOFT)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"source-pw\n")
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "migrate ended before any progress"
        );
        if line.starts_with("progress: INBOX") {
            break;
        }
    }
    // SIGKILL: no chance to clean up, as in a crash.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the first run should have been killed midway"
    );
    let partial: usize = dump(&target, "alice").get("INBOX").map_or(0, |m| m.3.len());
    assert!(
        partial > 0 && partial < 450,
        "killed midway: {partial} of 450 in INBOX"
    );

    let out = ok(run(&args, b"source-pw\n"));
    assert!(out.contains("UIDs kept, resumed"), "{out}");
    drop(serve);
    assert_same(&dump(&source, "alice"), &dump(&target, "alice"));
}

/// A target mailbox that already holds mail gets the source's messages with new UIDs.
#[test]
fn migrate_into_used_mailbox_renumbers() {
    let (_dir, source, target, serve) = setup_pair(5);
    ok(run(
        &["deliver", "--user", "alice", "--data-dir", &target],
        b"Subject: already here\r\n\r\nhi\r\n",
    ));
    let url = format!("imaps://alice@127.0.0.1:{}", serve.imaps_port);
    let args = [
        "migrate",
        "--from",
        &url,
        "--user",
        "alice",
        "--password-stdin",
        "--insecure",
        "--data-dir",
        &target,
    ];
    let out = ok(run(&args, b"source-pw\n"));
    assert!(
        out.contains("INBOX: 4 copied, 0 skipped, new UIDs"),
        "{out}"
    );
    // Again: found by content, nothing twice.
    let out = ok(run(&args, b"source-pw\n"));
    assert!(out.contains("messages: 0 copied"), "{out}");
    drop(serve);
    let (s, t) = (dump(&source, "alice"), dump(&target, "alice"));
    let inbox = &t["INBOX"].3;
    assert_eq!(inbox.len(), 5);
    let source_bytes: Vec<&Vec<u8>> = s["INBOX"].3.iter().map(|m| &m.4).collect();
    let target_bytes: Vec<&Vec<u8>> = inbox[1..].iter().map(|m| &m.4).collect();
    assert_eq!(source_bytes, target_bytes);
}

// --- Dovecot ---

/// A throw-away Dovecot (Debian's dovecot-imapd) on a free loopback port, all state in a
/// temp dir; stopped when dropped.
struct Dovecot {
    conf: std::path::PathBuf,
    port: u16,
}

impl Dovecot {
    fn start(dir: &Path) -> Result<Dovecot, String> {
        let dovecot = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .ok_or("dovecot is not installed (apt-get install dovecot-imapd)")?;
        use std::os::unix::fs::PermissionsExt;
        // Mail processes run as `nobody`: the temp dirs must be reachable.
        std::fs::create_dir_all(dir).unwrap();
        for d in [dir, dir.parent().unwrap()] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for d in ["base", "state", "mail"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        std::fs::set_permissions(dir.join("mail"), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::write(dir.join("passwd"), "src:{PLAIN}dove-pw::::::\n").unwrap();
        let port = free_port();
        let d = dir.display();
        let conf = dir.join("dovecot.conf");
        std::fs::write(
            &conf,
            format!(
                r#"base_dir = {d}/base
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
mail_location = sdbox:{d}/mail/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {d}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = .
  mailbox Sent {{
    special_use = \Sent
    auto = subscribe
  }}
  mailbox "Sent Messages" {{
    special_use = \Sent
    auto = create
  }}
}}
"#
            ),
        )
        .unwrap();
        // Not `output()`: the daemon keeps inherited pipes open, so reading them would
        // wait for it to exit. Its start-up errors go to a file instead.
        let errors = dir.join("start.err");
        let status = Command::new(dovecot)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&errors).unwrap())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            let why = std::fs::read_to_string(&errors).unwrap_or_default();
            return Err(format!("dovecot did not start: {why}"));
        }
        let d = Dovecot { conf, port };
        wait_for_greeting(port, "dovecot");
        Ok(d)
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("/usr/sbin/dovecot")
            .arg("-c")
            .arg(&self.conf)
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Fills Dovecot with imaplib (an independent client) and prints, per mailbox,
/// `name uidvalidity` (names as Loft will call them).
const FILL_DOVECOT: &str = r#"
import imaplib, sys, time
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
c.login("src", "dove-pw")
for box in ["Work", "Work.Projects", "Entw&APw-rfe"]:
    c.create(box)
c.subscribe("Work.Projects")
msgs = [
    ("INBOX", r"(\Seen $Work)", 1600000000, b"Subject: one\r\n\r\nfirst\r\n"),
    ("INBOX", r"(\Flagged \Answered)", 1600000100, b"Subject: two\r\n\r\nsecond\r\n"),
    ("INBOX", r"()", 1600000200, b"Subject: three\r\n\r\nthird\r\n"),
    ("Work.Projects", r"(\Seen Project-X)", 1500000000, b"Subject: plan\r\n\r\nthe plan\r\n"),
    ("Entw&APw-rfe", r"(\Draft)", 1400000000, b"Subject: draft\r\n\r\nunfinished\r\n"),
    ("Sent", r"(\Seen)", 1300000000, b"Subject: sent\r\n\r\nsent it\r\n"),
]
for box, flags, t, body in msgs:
    typ, _ = c.append(box, flags, imaplib.Time2Internaldate(t), body)
    assert typ == "OK"
# A gap: UID 2 of INBOX goes.
c.select("INBOX")
c.uid("STORE", "2", "+FLAGS", r"(\Deleted)")
c.expunge()
for box, name in [("INBOX", "INBOX"), ("Work.Projects", "Work/Projects"), ("Entw&APw-rfe", "Entwürfe"), ("Sent", "Sent")]:
    c.select(box, readonly=True)
    print(name, c.response("UIDVALIDITY")[1][0].decode())
c.logout()
"#;

#[test]
fn migrate_from_dovecot() {
    let dir = tempfile::tempdir().unwrap();
    let dovecot = match Dovecot::start(&dir.path().join("dovecot")) {
        Ok(d) => d,
        // .ci/run installs Dovecot and sets LOFT_REQUIRE_EXTERNAL: there a skip would hide
        // a missing install step, so it fails instead.
        Err(reason) if std::env::var_os("LOFT_REQUIRE_EXTERNAL").is_some() => {
            panic!("Dovecot is required here (LOFT_REQUIRE_EXTERNAL): {reason}")
        }
        Err(reason) => {
            println!("SKIPPED migrate_from_dovecot: {reason}");
            return;
        }
    };
    let fill = Command::new("python3")
        .args(["-c", FILL_DOVECOT, &dovecot.port.to_string()])
        .output()
        .unwrap();
    assert!(
        fill.status.success(),
        "{}",
        String::from_utf8_lossy(&fill.stderr)
    );
    let uidvalidity: BTreeMap<String, u32> = String::from_utf8(fill.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            l.rsplit_once(' ')
                .map(|(n, v)| (n.to_string(), v.parse().unwrap()))
        })
        .collect();

    let target = dir.path().join("target").to_str().unwrap().to_string();
    add_user(&target, "alice", "target-pw");
    let url = format!("imap://src@127.0.0.1:{}", dovecot.port);
    let args = [
        "migrate",
        "--from",
        &url,
        "--user",
        "alice",
        "--password-stdin",
        "--allow-plaintext",
        "--data-dir",
        &target,
    ];
    let out = ok(run(&args, b"dove-pw\n"));
    assert!(out.contains("messages: 5 copied, 0 skipped"), "{out}");
    let t = dump(&target, "alice");

    let date = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
    let expect: &[(&str, u32, u8, &[&str], i64, &str)] = &[
        (
            "INBOX",
            1,
            Flags::SEEN,
            &["$Work"],
            1600000000,
            "Subject: one\r\n\r\nfirst\r\n",
        ),
        (
            "INBOX",
            3,
            0,
            &[],
            1600000200,
            "Subject: three\r\n\r\nthird\r\n",
        ),
        (
            "Work/Projects",
            1,
            Flags::SEEN,
            &["Project-X"],
            1500000000,
            "Subject: plan\r\n\r\nthe plan\r\n",
        ),
        (
            "Entwürfe",
            1,
            Flags::DRAFT,
            &[],
            1400000000,
            "Subject: draft\r\n\r\nunfinished\r\n",
        ),
        (
            "Sent",
            1,
            Flags::SEEN,
            &[],
            1300000000,
            "Subject: sent\r\n\r\nsent it\r\n",
        ),
    ];
    for &(name, uid, bits, keywords, time, body) in expect {
        let (uv, _, _, messages) = t
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", t.keys()));
        assert_eq!(Some(uv), uidvalidity.get(name), "UIDVALIDITY of {name}");
        let m = messages
            .iter()
            .find(|m| m.0 == uid)
            .unwrap_or_else(|| panic!("{name} UID {uid}: {messages:?}"));
        assert_eq!(
            (m.1, m.2.iter().map(String::as_str).collect::<Vec<_>>()),
            (bits, keywords.to_vec()),
            "{name} {uid}"
        );
        assert_eq!(m.3, date(time), "internal date of {name} {uid}");
        assert_eq!(m.4, body.as_bytes(), "bytes of {name} {uid}");
    }
    assert_eq!(t["INBOX"].3.len(), 2);
    assert!(t["Work/Projects"].2, "subscription copied");
    assert!(t.contains_key("Sent Messages"), "{:?}", t.keys());

    // Again: nothing twice.
    let out = ok(run(&args, b"dove-pw\n"));
    assert!(out.contains("messages: 0 copied, 0 skipped"), "{out}");
    drop(dovecot);
}
