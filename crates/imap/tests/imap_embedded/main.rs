//! IMAP tests that run on the embedded store only, each for a stated reason:
//! - `starttls`, `security_scram_plus`: about TLS transport and channel binding; they build
//!   their own TLS server context over an `EmbeddedStore` (`common`), and the store
//!   behind them does not matter.
//! - `search_index`: compares SEARCH answers with the embedded store's FTS5 indexer paused
//!   and running (`EmbeddedStore::set_search_indexer_paused`), an embedded-only control.
//!
//! Everything else is in `tests/imap/` and runs on both backends.

mod common;

mod search_index;
mod security_scram_plus;
mod starttls;
