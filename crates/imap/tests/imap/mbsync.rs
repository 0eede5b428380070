//! A real sync client: mbsync (isync) mirrors the account into a local Maildir, changes
//! are made on both sides, and later syncs converge without downloading any message twice
//! (issue 4). Skipped, with the reason printed, when `mbsync` is not installed (.ci/run
//! installs Debian's isync).
use super::common_selected;

use std::path::{Path, PathBuf};
use std::process::Command;

use common_selected::*;
use loft_testkit::TestServer;

/// What one mbsync run downloaded: message bodies and their bytes, from its protocol trace
/// (`-Dn` prints every response line; a body is a `BODY[] {n}` literal).
#[derive(Debug, Default, PartialEq, Eq)]
struct Fetched {
    bodies: usize,
    bytes: usize,
}

fn mbsync_available() -> bool {
    Command::new("mbsync")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write_config(dir: &Path, port: u16) -> PathBuf {
    let mail = dir.join("mail");
    std::fs::create_dir_all(&mail).unwrap();
    let rc = dir.join("mbsyncrc");
    std::fs::write(
        &rc,
        format!(
            "IMAPAccount loft\nHost 127.0.0.1\nPort {port}\nUser {USER}\nPass {PASS}\nSSLType None\nAuthMechs LOGIN\n\n\
             IMAPStore loft-far\nAccount loft\n\n\
             MaildirStore local\nPath {mail}/\nInbox {mail}/INBOX\nSubFolders Verbatim\n\n\
             Channel sync\nFar :loft-far:\nNear :local:\nPatterns *\nCreate Both\nExpunge Both\nSyncState *\n",
            mail = mail.display()
        ),
    )
    .unwrap();
    rc
}

async fn run_mbsync(rc: &Path) -> Fetched {
    let rc = rc.to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("mbsync")
            .arg("-c")
            .arg(&rc)
            .arg("-Dn")
            .arg("-a")
            .output()
    })
    .await
    .unwrap()
    .expect("run mbsync");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "mbsync failed:\n{text}");
    let mut fetched = Fetched::default();
    for line in text.lines() {
        if let Some(at) = line.find("BODY[] {") {
            let n = &line[at + 8..];
            if let Some(end) = n.find('}') {
                fetched.bodies += 1;
                fetched.bytes += n[..end].parse::<usize>().unwrap_or(0);
            }
        }
    }
    fetched
}

/// Message files of a Maildir folder (cur and new).
fn maildir_files(folder: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["cur", "new"] {
        if let Ok(rd) = std::fs::read_dir(folder.join(sub)) {
            v.extend(rd.flatten().map(|e| e.path()));
        }
    }
    v.sort();
    v
}

fn maildir_flags(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    name.rsplit_once(":2,")
        .map(|(_, f)| f.to_string())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mbsync_converges_without_downloading_twice() {
    if !mbsync_available() {
        eprintln!(
            "SKIPPED mbsync_converges_without_downloading_twice: mbsync (Debian package isync) is not installed"
        );
        return;
    }
    let srv: TestServer = server().await;
    let msg = |n: u32| {
        format!(
            "From: a@example.org\r\nSubject: message {n}\r\nMessage-ID: <{n}@example.org>\r\n\r\nbody {n}\r\n"
        )
    };
    for n in 1..=3 {
        srv.append(USER, "INBOX", msg(n)).await;
    }
    srv.append(USER, "Archive", msg(10)).await;
    let dir = tempfile::tempdir().unwrap();
    let rc = write_config(dir.path(), srv.addr().port());
    let inbox = dir.path().join("mail/INBOX");

    // First sync: everything comes down once.
    let first = run_mbsync(&rc).await;
    assert_eq!(first.bodies, 4, "{first:?}");
    assert_eq!(maildir_files(&inbox).len(), 3);
    assert_eq!(maildir_files(&dir.path().join("mail/Archive")).len(), 1);

    // Changes on the server (another device): flag UID 1, expunge UID 2, a new message.
    let mut other = selected(&srv).await;
    other.ok("UID STORE 1 +FLAGS (\\Flagged)").await;
    other.ok("UID STORE 2 +FLAGS (\\Deleted)").await;
    other.ok("UID EXPUNGE 2").await;
    other.ok("LOGOUT").await;
    let new_on_server = msg(4);
    srv.append(USER, "INBOX", new_on_server.clone()).await;
    // Changes on the local side: mark the message with subject 3 seen, add a new message.
    let local3 = maildir_files(&inbox)
        .into_iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains("message 3"))
        .expect("message 3 in the Maildir");
    let seen = local3.to_string_lossy().replace(":2,", ":2,S");
    std::fs::rename(&local3, &seen).unwrap();
    std::fs::write(inbox.join("new/1700000000.local.host"), msg(5)).unwrap();

    // Second sync: only the one new server message is downloaded.
    let second = run_mbsync(&rc).await;
    assert_eq!(
        second,
        Fetched {
            bodies: 1,
            bytes: new_on_server.len()
        }
    );
    let files = maildir_files(&inbox);
    // mbsync stores Maildir files with LF line ends.
    let contents: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap().replace("\r\n", "\n"))
        .collect();
    assert_eq!(files.len(), 4, "{files:#?}");
    for n in [1, 3, 4, 5] {
        assert_eq!(
            contents
                .iter()
                .filter(|c| c.contains(&format!("Subject: message {n}\n")))
                .count(),
            1,
            "message {n}: {files:#?}"
        );
    }
    let flagged = files
        .iter()
        .zip(&contents)
        .find(|(_, c)| c.contains("Subject: message 1\n"))
        .unwrap()
        .0;
    assert!(maildir_flags(flagged).contains('F'), "{flagged:?}");
    // The server got the local changes: \Seen on message 3, message 5 appended.
    let mut check = selected(&srv).await;
    let r = check.ok("UID SEARCH SEEN").await;
    assert_eq!(r, vec!["* SEARCH 3"]);
    let r = check.ok("SEARCH SUBJECT \"message 5\"").await;
    assert_eq!(r, vec!["* SEARCH 4"]);
    check.ok("LOGOUT").await;

    // Third sync: converged, nothing to download.
    let third = run_mbsync(&rc).await;
    assert_eq!(third, Fetched::default());
    assert_eq!(maildir_files(&inbox).len(), 4);
}
