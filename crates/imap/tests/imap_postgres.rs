//! The IMAP command tests of `tests/imap/` on PostgreSQL: the same modules, compiled a
//! second time; `imap/main.rs` picks the backend from this binary's crate name.

#[path = "imap/main.rs"]
mod imap;
