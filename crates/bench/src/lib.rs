//! loft-bench: measures Loft and any other IMAP/LMTP server (Dovecot) with the same client
//! code in the same run. The binary (`main.rs`) is a thin clap front; the benchmarks live
//! here so the smoke test can run them in-process. This is a tool, not a library others
//! build on: errors are `anyhow` throughout.

pub mod bigbox;
pub mod client;
pub mod connections;
pub mod delivery;
pub mod import;
pub mod lmtp;
pub mod load;
pub mod mailgen;
pub mod results;

pub use client::Target;
pub use results::{Measurement, Sink};
