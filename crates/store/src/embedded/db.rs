//! The database threads: SQLite runs on its own threads, never on tokio workers.
//!
//! One writer thread owns the only writing connection (SQLite allows one writer at a time
//! anyway); a small pool of reader threads serves snapshots and fetches concurrently
//! thanks to WAL. Work is sent as closures over a channel and the answer comes back on a
//! oneshot, so async callers only await.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::{Result, StoreError};

/// How long a statement waits for another process's lock (the CLI next to the server)
/// before failing with "database is locked".
pub(crate) const BUSY_TIMEOUT_MS: u64 = 10_000;
const READER_THREADS: usize = 2;

type Job = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

pub(crate) struct Db {
    writer: mpsc::Sender<Job>,
    readers: mpsc::Sender<Job>,
}

impl Db {
    /// Opens the database (creating the schema) and starts the threads. Blocking.
    pub(crate) fn open(path: &Path) -> Result<Db> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        super::schema::migrate(&mut conn)?;

        let (writer, writer_rx) = mpsc::channel::<Job>();
        spawn_worker("loft-db-writer", conn, Arc::new(Mutex::new(writer_rx)))?;

        let (readers, readers_rx) = mpsc::channel::<Job>();
        let readers_rx = Arc::new(Mutex::new(readers_rx));
        for i in 0..READER_THREADS {
            let conn = Connection::open(path)?;
            configure(&conn)?;
            conn.pragma_update(None, "query_only", true)?;
            spawn_worker(&format!("loft-db-reader-{i}"), conn, readers_rx.clone())?;
        }
        Ok(Db { writer, readers })
    }

    /// Runs `f` on the writer connection.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        run(&self.writer, f).await
    }

    /// Runs `f` on a reader connection (query_only).
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        run(&self.readers, f).await
    }
}

async fn run<T, F>(queue: &mpsc::Sender<Job>, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let job: Job = Box::new(move |conn| {
        // A panic in a job must not kill the thread: the open transaction (if any) rolls
        // back when its guard drops during unwinding, and the caller gets an error.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Db("database job panicked".into())));
        let _ = tx.send(result);
    });
    queue
        .send(job)
        .map_err(|_| StoreError::Db("database thread stopped".into()))?;
    rx.await
        .map_err(|_| StoreError::Db("database thread stopped".into()))?
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS))?;
    // WAL: readers never block the writer. synchronous=FULL: a commit returns only after
    // the WAL is fsynced, so an Ok means on disk (DESIGN.md invariant 1).
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Db(format!("cannot enable WAL (journal_mode={mode})")));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

fn spawn_worker(name: &str, mut conn: Connection, rx: Arc<Mutex<mpsc::Receiver<Job>>>) -> Result<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            loop {
                let job = match rx.lock() {
                    Ok(guard) => guard.recv(),
                    Err(_) => break,
                };
                match job {
                    Ok(job) => job(&mut conn),
                    // Every sender is gone: the store was dropped.
                    Err(_) => break,
                }
            }
        })
        .map(|_| ())
        .map_err(StoreError::Io)
}
