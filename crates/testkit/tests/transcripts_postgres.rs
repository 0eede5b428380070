//! The same transcripts as tests/transcripts.rs, on the PostgreSQL store (issue 7: the IMAP
//! protocol tests run against both backends). Each transcript gets a fresh database on a
//! throw-away PostgreSQL 15 cluster that this test binary starts and removes.

use loft_testkit::{Backend, imap_transcripts_dir, run_all_transcripts_on};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transcript_on_postgres() {
    run_all_transcripts_on(Backend::Postgres, &imap_transcripts_dir())
        .await
        .assert_ok();
}
