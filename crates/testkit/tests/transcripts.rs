//! Runs `tests/transcripts/imap/<command>/*.t`, one test per command folder, each transcript
//! on its own fresh server. A failure prints the whole dialogue up to the first mismatch.

use loft_testkit::{imap_transcripts_dir, run_all_transcripts};

macro_rules! transcript_dirs {
    ($($name:ident),* $(,)?) => {
        /// Every folder must have a test here, so none is silently never run.
        const LISTED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                run_all_transcripts(&imap_transcripts_dir().join(stringify!($name).trim_start_matches("r#"))).await.assert_ok();
            }
        )*
    };
}

transcript_dirs!(
    append,
    authenticate,
    bad_input,
    capability,
    check,
    close,
    condstore,
    copy,
    create,
    delete,
    enable,
    examine,
    expunge,
    fetch,
    idle,
    list,
    login,
    logout,
    lsub,
    r#move,
    namespace,
    noop,
    rename,
    search,
    select,
    qresync,
    session,
    status,
    store,
    subscribe,
    uid_expunge,
    unselect,
    sort,
    thread,
    esort,
    within,
    partial,
    savedate,
    catenate,
    metadata,
    objectid,
    preview,
    replace,
    unauthenticate,
    utf8,
    uidonly,
    list_metadata,
    notify,
    multisearch,
    context,
);

#[test]
fn every_transcript_folder_has_a_test() {
    let listed: Vec<String> = LISTED
        .iter()
        .map(|s| s.trim_start_matches("r#").to_string())
        .collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(imap_transcripts_dir())
        .expect("tests/transcripts/imap exists")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !listed.contains(&name) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "add these folders to transcript_dirs!: {missing:?}"
    );
}
