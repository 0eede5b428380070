//! Sans-I/O IMAP: command framing and decoding, response writing, mailbox-name and
//! date-time encodings. No tokio, no store, no logging (STYLE.md rule 2).

pub mod ast;
pub mod datetime;
pub mod decode;
pub mod framer;
pub mod mailbox_name;
pub mod writer;

pub use ast::*;
pub use decode::{DecodeError, DecodeOptions, parse_command};
pub use framer::{FrameStatus, Framer};
pub use writer::{Code, ResponseWriter, Status};
