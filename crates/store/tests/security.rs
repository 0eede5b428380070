//! Runs the secure-access conformance test (tests/suite/security.rs) on the embedded
//! backend, and checks the tables survive a reopen.

#[path = "suite/security.rs"]
mod security_suite;

use loft_store::*;

#[tokio::test]
async fn security_records() {
    let dir = tempfile::tempdir().unwrap();
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    security_suite::security_records(&s).await;
    drop(s);
    let s = EmbeddedStore::open(dir.path()).await.unwrap();
    let alice = s.account("alice").await.unwrap().unwrap().id;
    assert!(s.auth_settings(alice).await.unwrap().app_passwords_only);
}
