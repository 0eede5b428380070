//! The IMAP command tests, one module per command (STYLE.md), in one test binary that is
//! compiled twice: as `imap` on the embedded store and, through `tests/imap_postgres.rs`,
//! as `imap_postgres` on PostgreSQL (a throw-away PostgreSQL 15 cluster shared by the
//! binary, one fresh database per test server). So `cargo test --workspace` runs every
//! protocol test on both backends (issue 7). One backend only:
//! `cargo test -p loft-imap --test imap` or `--test imap_postgres`.
//!
//! A test starts its server with `TestServer::start_on(super::BACKEND)` or
//! `TestServer::on(super::BACKEND, config)`, never `TestServer::start()` (that one reads
//! `LOFT_TEST_BACKEND` and would run the test on the embedded store twice).
//! Tests of TLS transport, or of embedded-store internals, are in `tests/imap_embedded/`.

use loft_testkit::Backend;

/// The backend of this binary: `imap_postgres` runs on PostgreSQL, `imap` on the
/// embedded store.
pub const BACKEND: Backend = if is_postgres_binary(env!("CARGO_CRATE_NAME").as_bytes()) {
    Backend::Postgres
} else {
    Backend::Embedded
};

const fn is_postgres_binary(crate_name: &[u8]) -> bool {
    let suffix = b"_postgres";
    if crate_name.len() < suffix.len() {
        return false;
    }
    let start = crate_name.len() - suffix.len();
    let mut i = 0;
    while i < suffix.len() {
        if crate_name[start + i] != suffix[i] {
            return false;
        }
        i += 1;
    }
    true
}

mod common_selected;

mod append;
mod authenticate;
mod capability;
mod catenate;
mod compress;
mod condstore;
mod copy_move;
mod create;
mod enable;
mod expunge;
mod fetch;
mod idle;
mod list;
mod list_metadata;
mod login;
mod mbsync;
mod metadata;
mod multisearch;
mod multisession;
mod notify;
mod objectid;
mod partial;
mod partial_fetch;
mod preview;
mod replace;
mod savedate;
mod search;
mod security_limits;
mod security_oauth;
mod select;
mod select_kept_view;
mod session;
mod sort;
mod status;
mod store;
mod subscribe;
mod thread;
mod uidonly;
mod unauthenticate;
mod utf8;
mod within;
