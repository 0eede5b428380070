//! Scale-out end to end: two `loft serve` processes on one PostgreSQL database, driven by
//! Python's imaplib (tests/e2e/test_multinode.py). The PostgreSQL 15 cluster is a
//! throw-away one started for this test binary (loft_store::postgres::testing).

use std::path::Path;
use std::process::Command;

#[tokio::test]
async fn python_two_nodes_on_one_postgres() {
    let url = loft_store::postgres::testing::shared()
        .create_database()
        .await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args(["-m", "unittest", "-v", "test_multinode"])
            .current_dir(root.join("tests/e2e"))
            .env("LOFT_BIN", env!("CARGO_BIN_EXE_loft"))
            .env("LOFT_PG_URL", url)
            .output()
            .expect("python3 must be installed (see .ci/run)")
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{}{}", String::from_utf8_lossy(&out.stdout), stderr);
    assert!(
        out.status.success(),
        "two-node end-to-end tests failed:\n{stderr}"
    );
}
