//! LMTP (RFC 2033): local mail delivery into the Loft store.
//!
//! - [`decoder`]: sans-I/O input decoder on `smtp-proto` (commands, DATA dot-unstuffing,
//!   BDAT chunks, CRLF normalisation).
//! - [`delivery`]: recipient resolution (domains, aliases, sub-addressing) and the store
//!   call, shared with `loft deliver`.
//! - [`session`]: one LMTP connection over any tokio byte stream.
//!
//! A 250 for a recipient after DATA/BDAT means the message is durable in that mailbox:
//! the store fsyncs before `append` returns (DESIGN.md invariant 1).

pub mod decoder;
pub mod delivery;
pub mod session;

pub use delivery::{DeliverError, Recipients, Target, deliver, trace_headers};
pub use session::{LmtpConfig, LmtpContext, serve};
