//! The transcript runner on small transcripts written here: it must pass good ones and
//! fail bad ones with the dialogue and the first differing line.

use std::path::PathBuf;

use loft_testkit::{Outcome, run_transcript};

fn transcript(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write transcript");
    std::fs::write(dir.path().join("msg.eml"), "Subject: x\n\nbody\n").expect("write fixture");
    (dir, path)
}

#[tokio::test]
async fn passing_transcript_with_literals_captures_and_two_connections() {
    let (_dir, path) = transcript(
        "ok.t",
        "# a comment\n\
         @user alice secret\n\
         @append alice INBOX msg.eml flags=\\Seen\n\
         S: * OK ~\n\
         C: a1 LOGIN {5}\n\
         S: + ~\n\
         C: alice secret\n\
         S: a1 OK ~\n\
         C: a2 SELECT INBOX\n\
         S: ...\n\
         S: a2 OK [READ-WRITE] ~\n\
         C: a3 STATUS Trash (UIDVALIDITY)\n\
         S: * STATUS \"Trash\" (UIDVALIDITY $uv)\n\
         S: a3 OK ~\n\
         C: a4 FETCH 1 (FLAGS BODY.PEEK[TEXT])\n\
         S: * 1 FETCH (FLAGS (\\Seen \\Recent) BODY[TEXT] {6}\n\
         S: body\n\
         S: )\n\
         S: a4 OK ~\n\
         C: a5 COPY 1 Trash\n\
         S: a5 OK [COPYUID $uv 1 1] ~\n\
         C2: b1 NOOP\n\
         S2: b1 OK ~\n\
         C: a6 LOGOUT\n\
         S*: * BYE ~\n\
         S: a6 OK ~\n\
         @closed\n",
    );
    assert_eq!(run_transcript(&path).await, Ok(Outcome::Passed));
}

#[tokio::test]
async fn mismatch_shows_dialogue_and_line() {
    let (_dir, path) = transcript(
        "bad.t",
        "@user alice secret\n\
         C: a1 LOGIN alice secret\n\
         S: a1 OK ~\n\
         C: a2 NOOP\n\
         S: a2 NO this is wrong\n",
    );
    let err = run_transcript(&path).await.expect_err("must fail");
    assert!(err.contains("   C: a1 LOGIN alice secret"), "{err}");
    assert!(
        err.contains(">> line 5: S: expected: a2 NO this is wrong"),
        "{err}"
    );
    assert!(err.contains("   actual:   a2 OK"), "{err}");
}

#[tokio::test]
async fn capture_mismatch_fails() {
    let (_dir, path) = transcript(
        "cap.t",
        "@user alice secret\n\
         C: a1 LOGIN alice secret\n\
         S: a1 OK ~\n\
         C: a2 STATUS INBOX (UIDNEXT)\n\
         S: * STATUS \"INBOX\" (UIDNEXT $n)\n\
         S: a2 OK ~\n\
         C: a3 STATUS Trash (MESSAGES)\n\
         S: * STATUS \"Trash\" (MESSAGES $n)\n",
    );
    // UIDNEXT of an empty INBOX is 1, MESSAGES of Trash is 0.
    let err = run_transcript(&path).await.expect_err("must fail");
    assert!(err.contains(">> line 8"), "{err}");
}

#[tokio::test]
async fn unexpected_extra_response_fails() {
    let (_dir, path) = transcript(
        "extra.t",
        "@user alice secret\n\
         @append alice INBOX msg.eml\n\
         C: a1 LOGIN alice secret\n\
         S: a1 OK ~\n\
         C: a2 SELECT INBOX\n\
         S: * 1 EXISTS\n\
         S: ~\n",
    );
    // More untagged responses and the tagged OK follow; the transcript ends before them.
    let err = run_transcript(&path).await.expect_err("must fail");
    assert!(err.contains("end of transcript: unexpected"), "{err}");
}

#[tokio::test]
async fn skip_marker() {
    let (_dir, path) = transcript(
        "skip.t",
        "# skip: waiting for a fix\nC: a1 NOOP\nS: a1 BAD never\n",
    );
    if std::env::var_os(loft_testkit::transcript::RUN_SKIPPED_ENV).is_none() {
        assert_eq!(
            run_transcript(&path).await,
            Ok(Outcome::Skipped("waiting for a fix".into()))
        );
    }
}

#[tokio::test]
async fn sync_literal_without_continuation_is_a_transcript_error() {
    let (_dir, path) = transcript("lit.t", "C: a1 LOGIN {5}\nC: alice x\n");
    let err = run_transcript(&path).await.expect_err("must fail");
    assert!(err.contains("transcript error"), "{err}");
}
