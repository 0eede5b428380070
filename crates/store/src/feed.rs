//! The change feed: who changed what, for IDLE and NOTIFY (RFC 2177, RFC 5465).
//!
//! A tokio broadcast channel of `Change`. A receiver that lags behind by more than
//! `FEED_CAPACITY` events gets `RecvError::Lagged` and must re-sync (ask the store for the
//! delta of every mailbox it watches); nothing is lost from the store itself.

use tokio::sync::broadcast;

use crate::Change;

/// Events kept for slow receivers before they lag.
pub const FEED_CAPACITY: usize = 1024;

/// The sending side of the change feed, shared by a backend's clones.
#[derive(Debug, Clone)]
pub struct Feed {
    tx: broadcast::Sender<Change>,
}

impl Feed {
    pub fn new() -> Feed {
        let (tx, _) = broadcast::channel(FEED_CAPACITY);
        Feed { tx }
    }

    /// Announce a committed change. Call only after the change is durable.
    pub fn publish(&self, change: Change) {
        // Err only means nobody listens right now, which is fine.
        let _ = self.tx.send(change);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }
}

impl Default for Feed {
    fn default() -> Feed {
        Feed::new()
    }
}
