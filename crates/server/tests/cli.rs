//! The `loft` binary driven from outside: config errors, user management, check, serve,
//! TLS on the implicit port.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LOFT: &str = env!("CARGO_BIN_EXE_loft");
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

fn loft() -> Command {
    let mut cmd = Command::new(LOFT);
    cmd.env_remove("RUST_LOG");
    cmd
}

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = loft()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn loft");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn expect(out: &Output, code: i32) -> (String, String) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

// --- config errors ---

#[test]
fn config_error_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loft.toml");
    std::fs::write(
        &path,
        "# comment\n\n[limits]\nmax_line_bytes = 10000\nmax_nesting = 8\n\nmax_lines = 5\n",
    )
    .unwrap();
    let out = run(&["serve", "--config", path.to_str().unwrap()], "");
    let (_, stderr) = expect(&out, 2);
    let want = format!(
        "loft: {}:7:1: unknown field `max_lines`, expected one of",
        path.display()
    );
    assert!(stderr.starts_with(&want), "{stderr}");
}

#[test]
fn semantic_config_errors_stop_startup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loft.toml");
    std::fs::write(&path, "[auth]\nplaintext = \"always\"\n\n[[imap.listen]]\naddress = \"0.0.0.0:1143\"\ntls = \"none\"\n")
        .unwrap();
    let (_, stderr) = expect(&run(&["serve", "--config", path.to_str().unwrap()], ""), 2);
    assert!(
        stderr.starts_with(&format!(
            "loft: {}:5:11: listener 0.0.0.0:1143",
            path.display()
        )),
        "{stderr}"
    );

    std::fs::write(&path, "[limits]\nmax_pipelined_commands = 0\n").unwrap();
    let (_, stderr) = expect(
        &run(&["user", "list", "--config", path.to_str().unwrap()], ""),
        2,
    );
    assert!(
        stderr.contains(":2:26: limits.max_pipelined_commands must be greater than 0"),
        "{stderr}"
    );

    let missing = dir.path().join("nope.toml");
    let (_, stderr) = expect(
        &run(&["serve", "--config", missing.to_str().unwrap()], ""),
        2,
    );
    assert!(
        stderr.contains(&format!("{}: cannot read config", missing.display())),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    expect(&run(&["frobnicate"], ""), 2);
    expect(&run(&["user", "add"], ""), 2);
}

#[test]
fn bad_tls_files_named_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loft.toml");
    std::fs::write(
        &path,
        "data_dir = \"data\"\n[tls]\ncert = \"missing-cert.pem\"\nkey = \"key.pem\"\n[[imap.listen]]\naddress = \"127.0.0.1:0\"\ntls = \"implicit\"\n",
    )
    .unwrap();
    let (_, stderr) = expect(&run(&["serve", "--config", path.to_str().unwrap()], ""), 2);
    let cert = dir.path().join("missing-cert.pem");
    assert!(
        stderr.starts_with(&format!("loft: TLS certificate {}:", cert.display())),
        "{stderr}"
    );
}

// --- users ---

#[test]
fn user_add_list_passwd_del() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();

    let (stdout, _) = expect(
        &run(
            &["user", "add", "alice", "--password-stdin", "--data-dir", d],
            "first secret\n",
        ),
        0,
    );
    assert!(stdout.starts_with("added user alice"), "{stdout}");
    expect(
        &run(
            &["user", "add", "bob", "--data-dir", d],
            "bobs password\r\n",
        ),
        0,
    );

    let (stdout, _) = expect(&run(&["user", "list", "--data-dir", d], ""), 0);
    assert_eq!(stdout, "alice\nbob\n");

    let (_, stderr) = expect(
        &run(
            &["user", "add", "alice", "--password-stdin", "--data-dir", d],
            "x\n",
        ),
        1,
    );
    assert_eq!(stderr, "loft: user alice already exists\n");
    let (_, stderr) = expect(
        &run(
            &["user", "add", "carol", "--password-stdin", "--data-dir", d],
            "\n",
        ),
        2,
    );
    assert_eq!(stderr, "loft: empty password\n");
    let (_, stderr) = expect(
        &run(
            &[
                "user",
                "add",
                "carol dee",
                "--password-stdin",
                "--data-dir",
                d,
            ],
            "pw\n",
        ),
        2,
    );
    assert!(stderr.contains("contains ' '"), "{stderr}");

    let (stdout, _) = expect(
        &run(
            &[
                "user",
                "passwd",
                "alice",
                "--password-stdin",
                "--data-dir",
                d,
            ],
            "second secret\n",
        ),
        0,
    );
    assert_eq!(stdout, "password of alice changed\n");
    let (_, stderr) = expect(
        &run(
            &["user", "passwd", "zed", "--password-stdin", "--data-dir", d],
            "pw\n",
        ),
        1,
    );
    assert_eq!(stderr, "loft: no such user zed\n");
    assert_password(&data, "alice", "second secret");
    assert_password(&data, "bob", "bobs password");

    // stdin is a pipe, not a terminal: no way to confirm.
    let (_, stderr) = expect(&run(&["user", "del", "alice", "--data-dir", d], "y\n"), 2);
    assert!(stderr.contains("pass --yes"), "{stderr}");
    let (stdout, _) = expect(
        &run(&["user", "del", "alice", "--yes", "--data-dir", d], ""),
        0,
    );
    assert_eq!(stdout, "deleted user alice\n");
    let (_, stderr) = expect(
        &run(&["user", "del", "alice", "--yes", "--data-dir", d], ""),
        1,
    );
    assert_eq!(stderr, "loft: no such user alice\n");
    let (stdout, _) = expect(&run(&["user", "list", "--data-dir", d], ""), 0);
    assert_eq!(stdout, "bob\n");

    let (stdout, _) = expect(&run(&["check", "--data-dir", d], ""), 0);
    assert_eq!(stdout, "store OK\n");
}

#[test]
fn commands_on_a_missing_data_dir_fail() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("nothing-here");
    for args in [
        vec!["user", "list"],
        vec!["check"],
        vec!["user", "del", "x", "--yes"],
    ] {
        let mut args = args.clone();
        args.extend(["--data-dir", d.to_str().unwrap()]);
        let (_, stderr) = expect(&run(&args, ""), 1);
        assert!(stderr.contains("no data directory at"), "{stderr}");
    }
    assert!(!d.exists());
}

#[test]
fn data_dir_from_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loft.toml");
    std::fs::write(&path, "data_dir = \"maildata\"\n").unwrap();
    let c = path.to_str().unwrap();
    expect(
        &run(
            &["user", "add", "dora", "--password-stdin", "--config", c],
            "pw\n",
        ),
        0,
    );
    assert!(dir.path().join("maildata").is_dir());
    let (stdout, _) = expect(&run(&["user", "list", "-c", c], ""), 0);
    assert_eq!(stdout, "dora\n");
}

fn assert_password(data: &Path, name: &str, password: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = loft_store::embedded::EmbeddedStore::open(data)
            .await
            .unwrap();
        let account = loft_store::Store::account(&store, name)
            .await
            .unwrap()
            .expect("account exists");
        assert!(
            loft_auth::verify_password(&account.password_hash, password.as_bytes()),
            "password of {name}"
        );
    });
}

// --- serve ---

/// A running `loft serve`, killed on drop.
struct Served {
    child: Child,
    data: PathBuf,
    /// (address, mode as printed) per listener.
    listeners: Vec<(SocketAddr, String)>,
    banner: String,
}

impl Served {
    /// Serve with STARTTLS, implicit TLS and no TLS on ports the OS picks; config and data in `dir`.
    fn start(dir: &Path) -> Served {
        let data = dir.join("data");
        let config = dir.join("loft.toml");
        std::fs::write(
            &config,
            "data_dir = \"data\"\n\
             [[imap.listen]]\naddress = \"127.0.0.1:0\"\ntls = \"starttls\"\n\
             [[imap.listen]]\naddress = \"127.0.0.1:0\"\ntls = \"implicit\"\n\
             [[imap.listen]]\naddress = \"127.0.0.1:0\"\ntls = \"none\"\n\
             [limits]\ntls_handshake_timeout_secs = 2\n\
             [log]\nformat = \"json\"\n",
        )
        .unwrap();
        let mut child = loft()
            .args(["serve", "--config", config.to_str().unwrap()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("serve.log")).unwrap())
            .spawn()
            .expect("spawn loft serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = String::new();
        let mut listeners = Vec::new();
        loop {
            let line = match rx.recv_timeout(STARTUP_TIMEOUT) {
                Ok(line) => line,
                Err(e) => {
                    let _ = child.kill();
                    let log = std::fs::read_to_string(dir.join("serve.log")).unwrap_or_default();
                    panic!(
                        "loft serve did not finish its banner ({e}); so far:\n{banner}\nlog:\n{log}"
                    );
                }
            };
            banner.push_str(&line);
            banner.push('\n');
            if let Some(rest) = line.trim().strip_prefix("listening:") {
                // "imap on 127.0.0.1:40001 (implicit TLS)"
                let rest = rest.trim().strip_prefix("imap on ").unwrap();
                let (addr, mode) = rest.split_once(' ').unwrap();
                listeners.push((
                    addr.parse().unwrap(),
                    mode.trim_matches(|c| c == '(' || c == ')').to_string(),
                ));
            }
            if line.trim().starts_with("add a user:") {
                break;
            }
        }
        Served {
            child,
            data,
            listeners,
            banner,
        }
    }

    fn port(&self, mode: &str) -> SocketAddr {
        self.listeners
            .iter()
            .find(|(_, m)| m == mode)
            .unwrap_or_else(|| panic!("no {mode} listener in\n{}", self.banner))
            .0
    }

    /// SIGTERM, then the exit status (within a few seconds).
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("loft serve did not stop within 10 s of SIGTERM");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_prints_where_it_listens_and_reuses_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path());
    assert_eq!(served.listeners.len(), 3, "{}", served.banner);
    assert_ne!(served.port("STARTTLS").port(), 0);
    assert_ne!(served.port("implicit TLS").port(), 0);
    assert_ne!(served.port("no TLS").port(), 0);
    let b = &served.banner;
    assert!(
        b.contains(&format!("data:        {}", served.data.display())),
        "{b}"
    );
    let cert = served.data.join("tls/cert.pem");
    let key = served.data.join("tls/key.pem");
    assert!(
        b.contains(&format!(
            "certificate: {} (self-signed, generated now)",
            cert.display()
        )),
        "{b}"
    );
    assert!(
        b.contains("add a user:  loft user add alice --config "),
        "{b}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let first_cert = std::fs::read(&cert).unwrap();
    assert!(served.terminate().success());
    // log.format = "json": one JSON object per line on stderr.
    let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap();
    let listening = log
        .lines()
        .find(|l| l.contains("listening for IMAP"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(
        listening.starts_with('{') && listening.ends_with('}'),
        "{listening}"
    );

    // Same data dir again: the certificate is reused, not regenerated.
    let served = Served::start(dir.path());
    assert!(
        served.banner.contains("(self-signed, generated earlier)"),
        "{}",
        served.banner
    );
    assert_eq!(std::fs::read(&cert).unwrap(), first_cert);
    assert!(served.terminate().success());
}

#[test]
fn a_taken_port_stops_startup() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loft.toml");
    std::fs::write(
        &path,
        format!("data_dir = \"data\"\n[[imap.listen]]\naddress = \"{addr}\"\ntls = \"starttls\"\n"),
    )
    .unwrap();
    let (_, stderr) = expect(&run(&["serve", "--config", path.to_str().unwrap()], ""), 1);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

// --- TLS ---

fn client_config(
    data: &Path,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(data.join("tls/cert.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

async fn handshake(
    addr: SocketAddr,
    config: Arc<rustls::ClientConfig>,
    name: &str,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let name = ServerName::try_from(name.to_string()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), connector.connect(name, tcp)).await?
}

/// The handshake itself does not need the IMAP session: it completes before
/// `serve_connection` runs. The generated certificate verifies for localhost and 127.0.0.1.
/// (A TLS 1.1-only client should be refused too, but rustls cannot speak TLS 1.1, so that
/// is not tested here; the server enables only TLS 1.2 and 1.3, see src/tls.rs.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_handshake_with_generated_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path());
    let addr = served.port("implicit TLS");

    // A client that is not speaking TLS is dropped without harming the server...
    let mut junk = TcpStream::connect(addr).await.unwrap();
    junk.write_all(b"a1 CAPABILITY\r\n").await.unwrap();
    // ...and so is one that never finishes its handshake (timeout 2 s in this config).
    let _silent = TcpStream::connect(addr).await.unwrap();

    let tls13 = handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS13]),
        "localhost",
    )
    .await
    .unwrap();
    assert_eq!(
        tls13.get_ref().1.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_3)
    );
    let tls12 = handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS12]),
        "127.0.0.1",
    )
    .await
    .unwrap();
    assert_eq!(
        tls12.get_ref().1.protocol_version(),
        Some(rustls::ProtocolVersion::TLSv1_2)
    );
    let wrong_name = handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS13]),
        "mail.example.com",
    )
    .await;
    assert!(wrong_name.is_err());
    drop((tls13, tls12));

    tokio::time::sleep(Duration::from_secs(3)).await;
    handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS13]),
        "localhost",
    )
    .await
    .unwrap();
    assert!(served.terminate().success());
}

/// The greeting over implicit TLS, and STARTTLS offered exactly where configured. Needs the
/// IMAP session (crates/imap/src/session.rs): when it fails, look there first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn greeting_and_starttls_offered_per_listener() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path());
    let addr = served.port("implicit TLS");
    let tls = handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS13]),
        "localhost",
    )
    .await
    .unwrap();
    let mut conn = tokio::io::BufReader::new(tls);
    let greeting = read_line(&mut conn).await;
    assert!(greeting.starts_with("* OK"), "{greeting:?}");
    let caps = capability(&mut conn).await;
    assert!(!caps.contains(" STARTTLS"), "already TLS: {caps}");
    drop(conn);

    let tcp = TcpStream::connect(served.port("STARTTLS")).await.unwrap();
    let mut conn = tokio::io::BufReader::new(tcp);
    assert!(read_line(&mut conn).await.starts_with("* OK"));
    let caps = capability(&mut conn).await;
    assert!(caps.contains(" STARTTLS"), "{caps}");
    drop(conn);

    let tcp = TcpStream::connect(served.port("no TLS")).await.unwrap();
    let mut conn = tokio::io::BufReader::new(tcp);
    assert!(read_line(&mut conn).await.starts_with("* OK"));
    let caps = capability(&mut conn).await;
    assert!(
        !caps.contains(" STARTTLS"),
        "tls = \"none\" must not offer STARTTLS: {caps}"
    );
    drop(conn);
    assert!(served.terminate().success());
}

async fn read_line<S: tokio::io::AsyncRead + Unpin>(conn: &mut tokio::io::BufReader<S>) -> String {
    let mut line = String::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    line
}

/// Send CAPABILITY and return the untagged CAPABILITY line.
async fn capability<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    conn: &mut tokio::io::BufReader<S>,
) -> String {
    conn.get_mut()
        .write_all(b"c1 CAPABILITY\r\n")
        .await
        .unwrap();
    conn.get_mut().flush().await.unwrap();
    let mut caps = String::new();
    loop {
        let line = read_line(conn).await;
        assert!(!line.is_empty(), "connection closed");
        if line.starts_with("* CAPABILITY") {
            caps = line.trim_end().to_string();
        }
        if line.starts_with("c1 ") {
            assert!(line.starts_with("c1 OK"), "{line}");
            return caps;
        }
    }
}

/// `loft user add` works next to a running server (same store; SQLite does the locking), and
/// the new account can log in at once. Needs the IMAP session's LOGIN.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_added_while_serving_can_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let served = Served::start(dir.path());
    let d = served.data.to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || {
        run(
            &["user", "add", "carol", "--password-stdin", "--data-dir", &d],
            "open sesame\n",
        )
    })
    .await
    .unwrap();
    expect(&out, 0);

    let addr = served.port("implicit TLS");
    let tls = handshake(
        addr,
        client_config(&served.data, &[&rustls::version::TLS13]),
        "localhost",
    )
    .await
    .unwrap();
    let mut conn = tokio::io::BufReader::new(tls);
    assert!(read_line(&mut conn).await.starts_with("* OK"));
    conn.get_mut()
        .write_all(b"a1 LOGIN carol \"open sesame\"\r\n")
        .await
        .unwrap();
    conn.get_mut().flush().await.unwrap();
    loop {
        let line = read_line(&mut conn).await;
        assert!(!line.is_empty(), "connection closed");
        if line.starts_with("a1 ") {
            assert!(line.starts_with("a1 OK"), "{line}");
            break;
        }
    }
    drop(conn);
    assert!(served.terminate().success());
}
