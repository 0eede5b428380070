//! Test support for Loft (STYLE.md "Tests speak the protocol"): an in-process server
//! (`TestServer`), a tiny connection helper (`TestConn`), the imap-codec oracle that checks
//! every response a test reads, and the transcript runner for `tests/transcripts/imap`.

pub mod conn;
pub mod oracle;
pub mod server;
pub mod transcript;

pub use conn::{Reply, TestConn, assert_contains, quote};
pub use server::{Backend, TestServer, test_config};
pub use transcript::{
    Outcome, Report, run_all_transcripts, run_all_transcripts_on, run_transcript, run_transcript_on,
};

/// `tests/transcripts/imap` of the workspace.
pub fn imap_transcripts_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts/imap")
}
