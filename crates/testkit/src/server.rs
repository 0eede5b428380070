//! `TestServer`: a whole Loft IMAP server in the test process, on a fresh embedded store in
//! a temporary directory, listening on a loopback port. One per test; nothing global except
//! a cache of password hashes (argon2 is slow in debug builds).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, FixedOffset};
use loft_imap::{ImapConfig, PlaintextAuth, ServerContext};
use loft_store::embedded::EmbeddedStore;
use loft_store::{AccountId, Flags, NewMessage, SpecialUse, Store, Uid};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::conn::TestConn;

/// The configuration tests run with: plaintext LOGIN allowed, IDLE polling fast.
pub fn test_config() -> ImapConfig {
    ImapConfig {
        plaintext_auth: PlaintextAuth::Always,
        idle_poll_millis: 200,
        ..ImapConfig::default()
    }
}

/// Which store a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Postgres,
}

impl Backend {
    pub fn from_env() -> Backend {
        if std::env::var("LOFT_TEST_BACKEND").as_deref() == Ok("postgres") {
            Backend::Postgres
        } else {
            Backend::Embedded
        }
    }
}

pub struct TestServer {
    store: Arc<dyn Store>,
    ctx: Arc<ServerContext>,
    addr: SocketAddr,
    accept_loop: JoinHandle<()>,
    /// Held so the store's directory lives as long as the server; removed on drop.
    dir: tempfile::TempDir,
}

impl TestServer {
    /// A server with `test_config()`.
    pub async fn start() -> TestServer {
        TestServer::with_config(test_config()).await
    }

    /// A server on the default backend: `LOFT_TEST_BACKEND=postgres` picks PostgreSQL, so any
    /// protocol test can be run by hand on it; the embedded store otherwise.
    pub async fn with_config(config: ImapConfig) -> TestServer {
        TestServer::on(Backend::from_env(), config).await
    }

    /// A server with `test_config()` on the given backend, with a fresh store.
    pub async fn start_on(backend: Backend) -> TestServer {
        TestServer::on(backend, test_config()).await
    }

    /// A server on the given backend, with a fresh store.
    pub async fn on(backend: Backend, config: ImapConfig) -> TestServer {
        let dir = tempfile::tempdir().expect("create temp dir for the test store");
        let store: Arc<dyn Store> = match backend {
            Backend::Embedded => Arc::new(
                EmbeddedStore::open(dir.path())
                    .await
                    .expect("open embedded store in temp dir"),
            ),
            // A fresh database per server on a throw-away cluster shared by the test binary.
            Backend::Postgres => {
                let url = loft_store::postgres::testing::shared()
                    .create_database()
                    .await;
                let settings = loft_store::PgSettings {
                    pool_size: 4,
                    ..loft_store::PgSettings::new(url)
                };
                Arc::new(
                    loft_store::PostgresStore::open(&settings)
                        .await
                        .expect("open PostgresStore on a fresh database"),
                )
            }
        };
        TestServer::with_store(store, config, dir).await
    }

    /// A server over a store the caller opened (in `dir`, which the server keeps alive).
    pub async fn with_store(
        store: Arc<dyn Store>,
        config: ImapConfig,
        dir: tempfile::TempDir,
    ) -> TestServer {
        let ctx = Arc::new(ServerContext {
            store: store.clone(),
            tls: None,
            config,
        });
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind loopback port");
        let addr = listener.local_addr().expect("local addr of bound listener");
        let loop_ctx = ctx.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let ctx = loop_ctx.clone();
                tokio::spawn(async move {
                    loft_imap::serve_connection(ctx, Box::new(stream), peer, false).await;
                });
            }
        });
        TestServer {
            store,
            ctx,
            addr,
            accept_loop,
            dir,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn context(&self) -> &Arc<ServerContext> {
        &self.ctx
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Create an account (with the default mailboxes) whose password is `password`.
    pub async fn add_user(&self, name: &str, password: &str) -> AccountId {
        let hash = cached_hash(password);
        self.store
            .create_account(name, &hash)
            .await
            .unwrap_or_else(|e| panic!("create account {name}: {e}"))
    }

    pub async fn account_id(&self, user: &str) -> AccountId {
        match self.store.account(user).await {
            Ok(Some(a)) => a.id,
            Ok(None) => panic!("no account {user:?} (add_user first)"),
            Err(e) => panic!("look up account {user:?}: {e}"),
        }
    }

    /// Create a mailbox directly in the store.
    pub async fn create_mailbox(&self, user: &str, mailbox: &str, special_use: Option<SpecialUse>) {
        let account = self.account_id(user).await;
        self.store
            .create_mailbox(account, mailbox, special_use)
            .await
            .unwrap_or_else(|e| panic!("create mailbox {mailbox:?} for {user}: {e}"));
    }

    /// Append a message without flags, dated now.
    pub async fn append(&self, user: &str, mailbox: &str, content: impl Into<Vec<u8>>) -> Uid {
        self.append_with(user, mailbox, content, Flags::default(), None)
            .await
    }

    /// Append a message with flags and an optional internal date.
    pub async fn append_with(
        &self,
        user: &str,
        mailbox: &str,
        content: impl Into<Vec<u8>>,
        flags: Flags,
        internal_date: Option<DateTime<FixedOffset>>,
    ) -> Uid {
        let account = self.account_id(user).await;
        let mbox = match self.store.mailbox(account, mailbox).await {
            Ok(Some(m)) => m.id,
            Ok(None) => panic!("no mailbox {mailbox:?} for {user}"),
            Err(e) => panic!("look up mailbox {mailbox:?}: {e}"),
        };
        let msg = NewMessage {
            content: content.into(),
            flags,
            internal_date,
        };
        let result = self
            .store
            .append(account, mbox, vec![msg])
            .await
            .unwrap_or_else(|e| panic!("append to {mailbox:?} for {user}: {e}"));
        *result
            .uids
            .first()
            .expect("store returns one UID per appended message")
    }

    /// Connect, read and oracle-check the greeting.
    pub async fn connect(&self) -> TestConn {
        TestConn::connect(self.addr).await
    }

    /// Connect and LOGIN.
    pub async fn login(&self, user: &str, password: &str) -> TestConn {
        let mut tc = self.connect().await;
        tc.login(user, password).await;
        tc
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

/// Parse `\Seen,$Label` (comma or space separated) into stored flags.
pub fn parse_flags(list: &str) -> Flags {
    let mut flags = Flags::default();
    for f in list.split([',', ' ']).filter(|f| !f.is_empty()) {
        let bit = match f.to_ascii_lowercase().as_str() {
            "\\seen" => Flags::SEEN,
            "\\answered" => Flags::ANSWERED,
            "\\flagged" => Flags::FLAGGED,
            "\\deleted" => Flags::DELETED,
            "\\draft" => Flags::DRAFT,
            _ => 0,
        };
        if bit != 0 {
            flags.bits |= bit;
        } else {
            flags.add_keyword(f);
        }
    }
    flags
}

/// argon2 in a debug build takes a noticeable fraction of a second; the same password
/// always gets the same (valid, salted) hash within one test binary.
fn cached_hash(password: &str) -> String {
    static CACHE: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(h) = cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(password)
    {
        return h.clone();
    }
    let hash = loft_auth::hash_password(&loft_auth::Secret::new(password.to_string()))
        .expect("argon2 hash");
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(password.to_string(), hash.clone());
    hash
}
