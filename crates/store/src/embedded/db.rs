//! The database threads: SQLite runs on its own threads, never on tokio workers.
//!
//! One writer thread owns the only writing connection (SQLite allows one writer at a time
//! anyway); a small pool of reader threads serves snapshots and fetches concurrently
//! thanks to WAL. Work is sent as closures over a channel and the answer comes back on a
//! oneshot, so async callers only await.
//!
//! Group commit: the message writes that many sessions issue at once (APPEND, LMTP
//! delivery, STORE, COPY/MOVE, EXPUNGE) are sent as *grouped* jobs. When the writer thread
//! becomes free it takes every grouped job waiting in the queue, runs each inside its own
//! `SAVEPOINT` of one `BEGIN IMMEDIATE` transaction (a failing job rolls back only
//! itself), commits once — one WAL fsync for the whole batch, since `synchronous=FULL`
//! fsyncs the WAL on every commit — and only then replies to each job. So an `Ok` still
//! means durable (DESIGN.md invariant 1), while N concurrent writers pay one fsync instead
//! of N. No timer is involved: batches form naturally while the previous commit fsyncs.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::{Result, StoreError};

/// How long a statement waits for another process's lock (the CLI next to the server)
/// before failing with "database is locked".
pub(crate) const BUSY_TIMEOUT_MS: u64 = 10_000;
const READER_THREADS: usize = 2;
/// Page cache of each reader connection, in KiB (SQLite `cache_size` takes it negated).
const READER_CACHE_KIB: i64 = 64 * 1024;
/// Grouped jobs committed together at most (bounds the latency of the first one).
const MAX_BATCH: usize = 256;
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

type Job = Box<dyn FnOnce(&mut Connection) + Send + 'static>;

/// What the writer thread receives.
enum WriterJob {
    /// Runs alone, managing its own transactions.
    Solo(Job),
    /// Runs inside a savepoint of a shared transaction (see the module doc).
    Grouped(Box<dyn GroupJob>),
}

/// A job of a group commit, type-erased.
trait GroupJob: Send {
    /// Directories whose entries (blob files renamed into them) must be fsynced before
    /// the commit that makes rows refer to those files.
    fn dirs(&self) -> &[PathBuf];
    /// Runs the job inside its savepoint; false when it failed (the savepoint is rolled
    /// back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Replaces the outcome with an error (the batch's commit or a dir fsync failed).
    fn fail(&mut self, e: StoreError);
    /// After the commit: runs the job's after-commit hook and sends the reply.
    fn finish(self: Box<Self>, conn: &mut Connection);
}

struct Grouped<T, F, A> {
    f: Option<F>,
    after: Option<A>,
    dirs: Vec<PathBuf>,
    outcome: Option<Result<T>>,
    reply: Option<oneshot::Sender<Result<T>>>,
}

impl<T, F, A> GroupJob for Grouped<T, F, A>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    A: FnOnce(&mut Connection, Option<&T>) + Send + 'static,
{
    fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn run(&mut self, conn: &Connection) -> bool {
        let Some(f) = self.f.take() else { return false };
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Db("database job panicked".into())));
        let ok = result.is_ok();
        self.outcome = Some(result);
        ok
    }

    fn fail(&mut self, e: StoreError) {
        self.outcome = Some(Err(e));
    }

    fn finish(mut self: Box<Self>, conn: &mut Connection) {
        let outcome = self
            .outcome
            .take()
            .unwrap_or_else(|| Err(StoreError::Db("database job did not run".into())));
        if let Some(after) = self.after.take() {
            let _ =
                std::panic::catch_unwind(AssertUnwindSafe(|| after(conn, outcome.as_ref().ok())));
        }
        if let Some(reply) = self.reply.take() {
            let _ = reply.send(outcome);
        }
    }
}

pub(crate) struct Db {
    writer: mpsc::Sender<WriterJob>,
    readers: mpsc::Sender<Job>,
    /// Dropped with the store: the checkpoint thread then ends.
    _checkpointer: mpsc::Sender<()>,
}

impl Db {
    /// Opens the database (creating the schema) and starts the threads. Blocking.
    pub(crate) fn open(path: &Path) -> Result<Db> {
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        super::schema::migrate(&mut conn)?;
        // Checkpoints run on their own thread (spawn_checkpointer), not inside the commit
        // of whichever write crossed SQLite's 1,000-page mark: a checkpoint copies pages
        // and fsyncs the database file, and on the writer thread every queued write waited
        // for it (issue 6, the load benchmark).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;

        let (writer, writer_rx) = mpsc::channel::<WriterJob>();
        std::thread::Builder::new()
            .name("loft-db-writer".to_string())
            .spawn(move || writer_loop(conn, writer_rx))
            .map_err(StoreError::Io)?;

        let (readers, readers_rx) = mpsc::channel::<Job>();
        let readers_rx = Arc::new(Mutex::new(readers_rx));
        for i in 0..READER_THREADS {
            let conn = Connection::open(path)?;
            configure(&conn)?;
            conn.pragma_update(None, "query_only", true)?;
            // A page cache for whole big-mailbox reads (FETCH 1:* ENVELOPE, SORT read every
            // message's row and its `blob_keys`): SQLite's default 2 MB re-reads them from
            // the OS on every command (issue 6). Pages are allocated as used.
            conn.pragma_update(None, "cache_size", READER_CACHE_KIB.wrapping_neg())?;
            spawn_reader(&format!("loft-db-reader-{i}"), conn, readers_rx.clone())?;
        }
        let (checkpointer, checkpoint_rx) = mpsc::channel::<()>();
        spawn_checkpointer(path, checkpoint_rx)?;
        Ok(Db {
            writer,
            readers,
            _checkpointer: checkpointer,
        })
    }

    /// Runs `f` on the writer connection, alone (it manages its own transactions).
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.writer
            .send(WriterJob::Solo(boxed(f, tx)))
            .map_err(|_| StoreError::Db("database thread stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Db("database thread stopped".into()))?
    }

    /// As [`Self::write`], but `f`'s commits do not wait for an fsync
    /// (`synchronous=NORMAL`): for derived data that is rebuilt when lost, like the search
    /// index (fts.rs). WAL keeps the order: the next durable commit fsyncs these frames
    /// too, and a power cut loses only a suffix of unsynced transactions, never a durable
    /// one after it.
    pub(crate) async fn write_unsynced<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.write(move |c| {
            c.pragma_update(None, "synchronous", "NORMAL")?;
            let result = f(c);
            // Every other job relies on FULL (DESIGN.md invariant 1): if it cannot be put
            // back, stop the writer rather than acknowledge undurable writes.
            if let Err(e) = c.pragma_update(None, "synchronous", "FULL") {
                tracing::error!(error = %e, "cannot restore synchronous=FULL; stopping");
                std::process::abort();
            }
            result
        })
        .await
    }

    /// Runs `f` on the writer connection as part of a group commit: inside a savepoint of
    /// a transaction shared with other concurrent jobs; `f` must not begin or commit
    /// transactions itself. An `Err` from `f` rolls back only `f`'s changes. The answer
    /// arrives after the shared commit is durable. `dirs` are fsynced before that commit.
    /// `after` runs on the writer thread after the commit (with `None` when `f` or the
    /// commit failed), before the answer is sent: for cleanups that need their own
    /// transaction, like removing unreferenced blob files.
    pub(crate) async fn write_grouped<T, F, A>(
        &self,
        dirs: Vec<PathBuf>,
        f: F,
        after: A,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
        A: FnOnce(&mut Connection, Option<&T>) + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = Grouped {
            f: Some(f),
            after: Some(after),
            dirs,
            outcome: None,
            reply: Some(tx),
        };
        self.writer
            .send(WriterJob::Grouped(Box::new(job)))
            .map_err(|_| StoreError::Db("database thread stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Db("database thread stopped".into()))?
    }

    /// Runs `f` on a reader connection (query_only).
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.readers
            .send(boxed(f, tx))
            .map_err(|_| StoreError::Db("database thread stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Db("database thread stopped".into()))?
    }
}

fn boxed<T, F>(f: F, tx: oneshot::Sender<Result<T>>) -> Job
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
{
    Box::new(move |conn| {
        // A panic in a job must not kill the thread: the open transaction (if any) rolls
        // back when its guard drops during unwinding, and the caller gets an error.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Db("database job panicked".into())));
        let _ = tx.send(result);
    })
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS))?;
    // WAL: readers never block the writer. synchronous=FULL: a commit returns only after
    // the WAL is fsynced, so an Ok means on disk (DESIGN.md invariant 1).
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Db(format!(
            "cannot enable WAL (journal_mode={mode})"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Hot statements use `prepare_cached`: parsing SQL was a visible share of the CPU
    // under the load benchmark (issue 6). rusqlite's default keeps only 16.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

fn writer_loop(mut conn: Connection, rx: mpsc::Receiver<WriterJob>) {
    // A solo job met while draining grouped ones runs right after their batch.
    let mut next: Option<WriterJob> = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match rx.recv() {
                Ok(job) => job,
                // Every sender is gone: the store was dropped.
                Err(_) => break,
            },
        };
        match job {
            WriterJob::Solo(job) => job(&mut conn),
            WriterJob::Grouped(first) => {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(WriterJob::Grouped(g)) => batch.push(g),
                        Ok(solo) => {
                            next = Some(solo);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                run_batch(&mut conn, batch);
            }
        }
    }
}

/// One group commit: dir fsyncs, BEGIN IMMEDIATE, a savepoint per job, one COMMIT, then
/// the after-commit hooks and replies.
fn run_batch(conn: &mut Connection, mut batch: Vec<Box<dyn GroupJob>>) {
    // Blob files renamed into these directories must be durable before any row refers
    // to them (a committed row never points at a missing file).
    let mut dirs: Vec<PathBuf> = batch
        .iter()
        .flat_map(|j| j.dirs().iter().cloned())
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    let mut skip = vec![false; batch.len()];
    if let Err(e) = super::blobs::sync_dirs(&dirs) {
        for (i, job) in batch.iter_mut().enumerate() {
            if !job.dirs().is_empty() {
                job.fail(StoreError::Io(std::io::Error::new(e.kind(), e.to_string())));
                skip[i] = true;
            }
        }
    }

    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let msg = e.to_string();
        for job in batch.iter_mut() {
            job.fail(StoreError::Db(msg.clone()));
        }
    } else {
        let mut done: Vec<usize> = Vec::with_capacity(batch.len());
        for i in 0..batch.len() {
            if skip[i] {
                continue;
            }
            if let Err(e) = conn.execute_batch("SAVEPOINT loft_job") {
                batch[i].fail(e.into());
                continue;
            }
            let ok = batch[i].run(conn);
            if conn.is_autocommit() {
                // SQLite rolled back the whole transaction (I/O error, disk full): the
                // jobs before this one are lost too. Fail them and start over for the rest.
                for &j in &done {
                    batch[j].fail(StoreError::Db("transaction aborted by a later job".into()));
                }
                done.clear();
                // A failed job keeps its own error.
                if ok {
                    batch[i].fail(StoreError::Db("transaction aborted".into()));
                }
                if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
                    let msg = e.to_string();
                    for job in batch.iter_mut().skip(i + 1) {
                        job.fail(StoreError::Db(msg.clone()));
                    }
                    for s in skip.iter_mut().skip(i + 1) {
                        *s = true;
                    }
                }
                continue;
            }
            let end = if ok {
                "RELEASE loft_job"
            } else {
                "ROLLBACK TO loft_job; RELEASE loft_job"
            };
            match conn.execute_batch(end) {
                Ok(()) if ok => done.push(i),
                Ok(()) => {}
                Err(e) => batch[i].fail(e.into()),
            }
        }
        if !conn.is_autocommit() {
            if let Err(e) = conn.execute_batch("COMMIT") {
                let _ = conn.execute_batch("ROLLBACK");
                let msg = e.to_string();
                for &j in &done {
                    batch[j].fail(StoreError::Db(format!("commit failed: {msg}")));
                }
            }
        }
    }
    for job in batch {
        job.finish(conn);
    }
}

/// How often the checkpoint thread copies committed WAL frames into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// A thread with its own connection running `PRAGMA wal_checkpoint(PASSIVE)`
/// periodically: PASSIVE never blocks the writer or the readers (it copies what no reader
/// still needs and leaves the rest for the next round), and the writer restarts the WAL
/// from its beginning once everything was copied, so the WAL stays bounded. Ends when
/// `stop`'s sender (held by `Db`) is dropped.
fn spawn_checkpointer(path: &Path, stop: mpsc::Receiver<()>) -> Result<()> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    std::thread::Builder::new()
        .name("loft-db-checkpoint".to_string())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
                let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                    Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
                });
                if let Err(e) = result {
                    tracing::warn!(error = %e, "WAL checkpoint failed; retrying");
                }
            }
        })
        .map(|_| ())
        .map_err(StoreError::Io)
}

fn spawn_reader(
    name: &str,
    mut conn: Connection,
    rx: Arc<Mutex<mpsc::Receiver<Job>>>,
) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&dir.path().join("t.db")).expect("open");
        (dir, db)
    }

    /// Jobs queued while the writer is busy form one batch; a failing or panicking job
    /// rolls back only its own savepoint, the others commit.
    #[tokio::test]
    async fn batch_isolates_failing_jobs() {
        let (_dir, db) = open();
        db.write(|c| Ok(c.execute_batch("CREATE TABLE t (v INTEGER PRIMARY KEY)")?))
            .await
            .unwrap();
        // Hold the writer so the grouped jobs below queue up into one batch.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let blocker = db.write(move |_| {
            let _ = wait.recv();
            Ok(())
        });
        let insert = |v: i64, fail: bool, panic: bool| {
            db.write_grouped(
                Vec::new(),
                move |c| {
                    c.execute("INSERT INTO t (v) VALUES (?1)", [v])?;
                    if panic {
                        panic!("job {v} panics");
                    }
                    if fail {
                        // A constraint error after a successful write.
                        c.execute("INSERT INTO t (v) VALUES (?1)", [v])?;
                    }
                    Ok(v)
                },
                |_, _| {},
            )
        };
        let (a, b, c, d) = (
            insert(1, false, false),
            insert(2, true, false),
            insert(3, false, true),
            insert(4, false, false),
        );
        let all = async { tokio::join!(a, b, c, d) };
        let releaser = async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            release.send(()).unwrap();
        };
        let ((ra, rb, rc, rd), (), rblock) = tokio::join!(all, releaser, blocker);
        rblock.unwrap();
        assert_eq!(ra.unwrap(), 1);
        assert!(rb.is_err());
        assert!(rc.is_err());
        assert_eq!(rd.unwrap(), 4);
        let rows: Vec<i64> = db
            .read(|c| {
                let mut s = c.prepare("SELECT v FROM t ORDER BY v")?;
                let rows = s.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<rusqlite::Result<Vec<i64>>>()?)
            })
            .await
            .unwrap();
        assert_eq!(rows, [1, 4]);
    }

    /// The after-commit hook sees the job's value, or None when the job failed.
    #[tokio::test]
    async fn after_hook_runs_after_commit() {
        let (_dir, db) = open();
        let (tx, rx) = std::sync::mpsc::channel::<Option<i64>>();
        let tx2 = tx.clone();
        db.write_grouped(
            Vec::new(),
            |_| Ok(7i64),
            move |_, v| tx.send(v.copied()).unwrap(),
        )
        .await
        .unwrap();
        let err = db
            .write_grouped(
                Vec::new(),
                |_| Err::<i64, _>(StoreError::Invalid("no".into())),
                move |_, v| tx2.send(v.copied()).unwrap(),
            )
            .await;
        assert!(err.is_err());
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [Some(7), None]);
    }
}
