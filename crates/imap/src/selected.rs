//! The selected-mailbox view: the session's own copy of sequence numbers -> UID, flags,
//! modseq and \Recent, brought up to date from the store's deltas only when the protocol
//! allows (RFC 9051 §7.5.1: no EXPUNGE during FETCH, STORE, SEARCH).
//! (CONTRACT STUB for the API the session uses; the selected-commands helper implements it.)

use loft_proto_imap::ResponseWriter;
use loft_store::{AccountId, Mailbox, Store, StoreError};

use crate::session::Enabled;

pub struct Selected {
    pub mailbox: Mailbox,
    pub is_read_only: bool,
}

impl Selected {
    /// Bring the view up to date with the store and write the untagged responses for what
    /// changed (EXISTS, RECENT for rev1, FETCH FLAGS, EXPUNGE or VANISHED, FLAGS for new
    /// keywords). With `allow_expunge == false` expunges are remembered and announced later.
    /// Called by the session after every command and during IDLE.
    pub async fn sync(
        &mut self,
        store: &dyn Store,
        account: AccountId,
        out: &mut ResponseWriter,
        enabled: &Enabled,
        allow_expunge: bool,
    ) -> Result<(), StoreError> {
        let _ = (store, account, out, enabled, allow_expunge);
        unimplemented!("contract stub")
    }
}
