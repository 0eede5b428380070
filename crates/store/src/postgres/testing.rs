//! Throw-away PostgreSQL clusters for tests (this crate's, testkit's, the server's).
//!
//! `pg_config --bindir` (or `LOFT_PG_BINDIR`) names the folder with `initdb`, `pg_ctl`
//! and `postgres`. The server refuses to run as root, so as root every command runs as
//! the `postgres` user (`runuser -u postgres --`) on a data directory it owns. The cluster
//! listens on 127.0.0.1 on a free port, with its unix socket in its own temp directory.
//!
//! Clean-up, in three layers: `Drop` (and `stop`) stop the server and remove the
//! directory; the cluster of [`shared`] (a static, never dropped) is stopped by an
//! `atexit` hook; and a detached watchdog shell does the same when the test process dies
//! without running either (a panic that aborts, SIGKILL).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// A running throw-away cluster.
#[derive(Debug)]
pub struct TestCluster {
    root: PathBuf,
    port: u16,
    bindir: PathBuf,
    as_postgres: bool,
    watchdog: Mutex<Option<std::process::Child>>,
    stopped: Mutex<bool>,
}

static SHARED: OnceLock<Result<TestCluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU64 = AtomicU64::new(0);

/// The cluster shared by every test of this process: started on first use, stopped and
/// removed when the process exits.
pub fn shared() -> &'static TestCluster {
    let cluster = SHARED.get_or_init(|| {
        let c = TestCluster::start()?;
        // SAFETY: registers a plain `extern "C" fn()` with the C library; it only runs
        // at process exit.
        unsafe {
            atexit(stop_shared_at_exit);
        }
        Ok(c)
    });
    match cluster {
        Ok(c) => c,
        Err(e) => panic!("cannot start a throw-away PostgreSQL cluster for the tests: {e}"),
    }
}

unsafe extern "C" {
    fn atexit(f: extern "C" fn()) -> i32;
    fn geteuid() -> u32;
}

extern "C" fn stop_shared_at_exit() {
    if let Some(Ok(c)) = SHARED.get() {
        c.stop();
    }
}

impl TestCluster {
    /// initdb, start on a free loopback port, wait until it accepts connections.
    pub fn start() -> Result<TestCluster, String> {
        let bindir = bindir()?;
        // SAFETY: geteuid has no preconditions.
        let as_postgres = unsafe { geteuid() } == 0;
        let root = std::env::temp_dir().join(format!(
            "loft-pg-{}-{:x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&root).map_err(|e| format!("create {}: {e}", root.display()))?;
        let mut cluster = TestCluster {
            root,
            port: 0,
            bindir,
            as_postgres,
            watchdog: Mutex::new(None),
            stopped: Mutex::new(false),
        };
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(&cluster.root))?;
        }
        cluster.spawn_watchdog();
        let data = cluster.data_dir();
        run(cluster.pg_command("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]))?;
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = free_port()?;
            // fsync off: a throw-away cluster never outlives an OS crash, and CREATE
            // DATABASE per test server would otherwise fsync a whole database copy each
            // time. Loft's own durability is tested on the embedded store and by killing
            // `loft serve`, not PostgreSQL.
            let options = format!(
                "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c max_connections=300 \
                 -c shared_buffers=32MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                cluster.port,
                cluster.root.display()
            );
            let started = run(cluster
                .pg_command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(cluster.root.join("server.log"))
                .args(["-w", "-t", "60", "-s", "-o", &options, "start"]));
            match started {
                Ok(()) => return Ok(cluster),
                // Most likely someone took the port between our probe and the start.
                Err(e) => last = e,
            }
        }
        Err(format!(
            "{last}\n{}",
            std::fs::read_to_string(cluster.root.join("server.log")).unwrap_or_default()
        ))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of database `dbname` (trust authentication, user `postgres`).
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{dbname}", self.port)
    }

    /// Creates a fresh, empty database and returns its URL: one per test, for isolation
    /// (LISTEN/NOTIFY channels are per database too).
    pub async fn create_database(&self) -> String {
        let name = format!(
            "loft_t{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        self.execute_admin(&format!("CREATE DATABASE {name}")).await;
        self.url(&name)
    }

    /// Runs a statement in the `postgres` database (test set-up; panics on failure).
    pub async fn execute_admin(&self, sql: &str) {
        let (client, conn) = tokio_postgres::connect(&self.url("postgres"), tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connect to the test cluster on port {}: {e}", self.port));
        let driver = tokio::spawn(conn);
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        drop(client);
        let _ = driver.await;
    }

    /// Runs a query on the database at `url` and returns the first column of every row as
    /// `i64` (test checks, e.g. which account ids a table holds; panics on failure).
    pub async fn query_i64(url: &str, sql: &str) -> Vec<i64> {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        let driver = tokio::spawn(conn);
        let rows = client
            .query(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        drop(client);
        let _ = driver.await;
        rows.iter().map(|r| r.get(0)).collect()
    }

    /// Stops the server (immediate mode: nothing to keep) and removes its directory.
    pub fn stop(&self) {
        let Ok(mut stopped) = self.stopped.lock() else {
            return;
        };
        if *stopped {
            return;
        }
        *stopped = true;
        let _ = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.root);
        if let Ok(mut w) = self.watchdog.lock()
            && let Some(mut child) = w.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn pg_command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// A detached shell that stops the cluster and removes it once this process is gone.
    fn spawn_watchdog(&self) {
        let stop = format!(
            "{} '{}' -D '{}' -m immediate -w -s stop",
            if self.as_postgres {
                "runuser -u postgres --"
            } else {
                ""
            },
            self.bindir.join("pg_ctl").display(),
            self.data_dir().display()
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{root}'",
            pid = std::process::id(),
            root = self.root.display()
        );
        let mut cmd = if Path::new("/usr/bin/setsid").exists() {
            let mut c = Command::new("/usr/bin/setsid");
            c.arg("sh");
            c
        } else {
            Command::new("sh")
        };
        let child = cmd
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        if let (Ok(child), Ok(mut w)) = (child, self.watchdog.lock()) {
            *w = Some(child);
        }
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the PostgreSQL server binaries are installed here.
pub fn is_available() -> bool {
    bindir().is_ok()
}

fn bindir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("LOFT_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let dir = match Command::new("pg_config").arg("--bindir").output() {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
        // Debian's layout, when pg_config itself is not on the PATH.
        _ => PathBuf::from("/usr/lib/postgresql/15/bin"),
    };
    if !dir.join("initdb").is_file() {
        return Err(format!(
            "no initdb in {} (install the PostgreSQL server, see .ci/run)",
            dir.display()
        ));
    }
    Ok(dir)
}

fn free_port() -> Result<u16, String> {
    let l =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("find a free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
