//! CI proof that the tool works: every IMAP benchmark once, on a small N, against an
//! in-process Loft (loft-testkit's TestServer). Not a timed test: only success and the
//! shape of the results are checked.

use std::time::Duration;

use loft_bench::results::{self, Sink};
use loft_bench::{Target, bigbox, connections, import, load};
use loft_testkit::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_benchmark_runs_once_on_a_small_n() {
    let server = TestServer::start().await;
    server.add_user("bench", "bench").await;
    let t = Target {
        name: "loft".into(),
        addr: server.addr().to_string(),
        tls: false,
        user: "bench".into(),
        password: "bench".into(),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("results.json");
    let mut sink = Sink::new(Some(&json)).expect("results file");

    let o = bigbox::BigboxOpts {
        n: 200,
        reps: 2,
        ..Default::default()
    };
    bigbox::run(&t, &o, &mut sink).await.expect("bigbox");
    let ops: Vec<&str> = sink.all.iter().map(|m| m.op.as_str()).collect();
    for op in [
        "fill (APPEND)",
        "SELECT",
        "FETCH 1:* (ENVELOPE)",
        "SEARCH BODY <rare word>",
        "STORE 1:* +FLAGS",
        "EXPUNGE of 1,000",
    ] {
        assert!(ops.contains(&op), "{op} missing from {ops:?}");
    }
    // The fill uses MULTIAPPEND (RFC 3502) where the server offers it, as Loft does.
    let fill = sink
        .all
        .iter()
        .find(|m| m.op == "fill (APPEND)")
        .expect("fill");
    assert!(fill.note.starts_with("MULTIAPPEND"), "{}", fill.note);

    let o = load::LoadOpts {
        clients: 5,
        duration: Duration::from_secs(2),
        prefill: 30,
        seed: 2,
    };
    load::run(&t, &o, &mut sink).await.expect("load");
    let cps = sink
        .all
        .iter()
        .find(|m| m.op == "commands/s")
        .expect("commands/s");
    assert!(cps.value > 0.0, "{cps:?}");
    assert!(cps.note.contains(" 0 clients failed"), "{}", cps.note);

    let o = connections::ConnOpts {
        n: 20,
        server_pid: Some(std::process::id()),
        parallel: 10,
        settle: Duration::from_millis(100),
        max_setup: Duration::from_secs(20),
    };
    connections::run(&t, &o, &mut sink)
        .await
        .expect("connections");
    let held = sink
        .all
        .iter()
        .find(|m| m.op == "IDLE connections held")
        .expect("held");
    assert_eq!(held.value, 20.0);

    let mbox = dir.path().join("small.mbox");
    let bytes = import::write_mbox(&mbox, 50, 3).expect("mbox");
    let text = std::fs::read(&mbox).expect("read mbox");
    assert_eq!(text.len() as u64, bytes);
    assert_eq!(
        text.windows(7).filter(|w| w == b"\n\nFrom ").count() + 1,
        50
    );

    // The JSON lines read back, and the report renders.
    let all = results::read_jsonl(&json).expect("read results");
    assert_eq!(all.len(), sink.all.len());
    let rows = results::compare(&all, "loft", "dovecot");
    assert!(results::svg(&rows, "loft", "dovecot", "smoke").starts_with("<svg"));
}
