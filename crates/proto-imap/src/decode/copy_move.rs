//! COPY (RFC 9051 §6.4.7) and MOVE (RFC 9051 §6.4.8, RFC 6851 §3): `sequence-set SP
//! mailbox`, with UID variants.

use super::{PResult, Parser};
use crate::ast::*;

impl Parser<'_> {
    pub(super) fn copy_move(
        &mut self,
        numbering: Numbering,
        is_move: bool,
    ) -> PResult<CommandBody> {
        self.cmd = if is_move { "MOVE" } else { "COPY" };
        self.sp()?;
        let set = self.sequence_set()?;
        self.sp()?;
        let mailbox = self.mailbox()?;
        Ok(if is_move {
            CommandBody::Move {
                numbering,
                set,
                mailbox,
            }
        } else {
            CommandBody::Copy {
                numbering,
                set,
                mailbox,
            }
        })
    }
}
