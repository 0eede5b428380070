//! The bigbox fill (issue 6): MULTIAPPEND batches (RFC 3502) with non-synchronizing
//! (RFC 7888) or synchronizing literals (RFC 9051 §7.5), and the single-APPEND fallback for
//! servers without MULTIAPPEND, all store the same generated messages in the same order.

use loft_bench::Target;
use loft_bench::client::{AppendPlan, Imap, quote};
use loft_bench::mailgen::Generator;
use loft_testkit::TestServer;

const N: u64 = 60;

fn messages() -> impl Iterator<Item = (Vec<u8>, String, String)> {
    let mut g = Generator::new(7);
    (0..N).map(move |_| {
        let m = g.next_message();
        (m.bytes, m.flags.to_string(), m.internal_date)
    })
}

/// Every message's FETCH response (flags, INTERNALDATE, size and bytes), in order.
async fn contents(c: &mut Imap, mailbox: &str) -> Vec<Vec<u8>> {
    let r = c
        .ok(&format!("EXAMINE {}", quote(mailbox)))
        .await
        .expect("EXAMINE");
    assert_eq!(r.exists(), Some(N as u32), "{mailbox}");
    let r = c
        .ok("FETCH 1:* (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")
        .await
        .expect("FETCH");
    c.ok("UNSELECT").await.expect("UNSELECT");
    r.untagged
        .into_iter()
        .filter(|u| u.windows(7).any(|w| w == b" FETCH "))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multiappend_and_single_append_fill_the_same_mailbox() {
    let server = TestServer::start().await;
    server.add_user("bench", "bench").await;
    let t = Target {
        name: "loft".into(),
        addr: server.addr().to_string(),
        tls: false,
        user: "bench".into(),
        password: "bench".into(),
    };
    // Small batches and a byte bound below the largest generated messages (attachments up
    // to 48 KB), so batches end by count, by bytes, and single big messages go alone.
    let plan = AppendPlan {
        batch: 16,
        batch_bytes: 20 * 1024,
        window: 2,
        single_window: 4,
    };
    let cases: [(&str, &[&str]); 4] = [
        ("multi-plus", &[]),
        ("multi-sync", &["LITERAL+"]),
        ("single-plus", &["MULTIAPPEND"]),
        ("single-sync", &["MULTIAPPEND", "LITERAL+"]),
    ];
    let mut c = Imap::login(&t).await.expect("login");
    assert!(c.has("MULTIAPPEND") && c.has("LITERAL+"), "{:?}", c.caps);
    let mut first: Option<Vec<Vec<u8>>> = None;
    for (mailbox, hide) in cases {
        let mut w = Imap::login(&t).await.expect("login");
        // Pretend the server lacks these capabilities, as another server might.
        for cap in hide {
            w.caps.remove(*cap);
        }
        w.ok(&format!("CREATE {mailbox}")).await.expect("CREATE");
        let stats = w
            .append_all(mailbox, messages(), plan)
            .await
            .expect("append_all");
        assert_eq!(stats.messages, N, "{mailbox}");
        assert_eq!(
            stats.multiappend,
            !hide.contains(&"MULTIAPPEND"),
            "{mailbox}"
        );
        assert_eq!(stats.literal_plus, !hide.contains(&"LITERAL+"), "{mailbox}");
        if stats.multiappend {
            // More commands than the count bound alone needs: some batches ended by bytes.
            assert!(stats.commands > N.div_ceil(16), "{mailbox}: {stats:?}");
            assert!(stats.commands < N, "{mailbox}: {stats:?}");
        } else {
            assert_eq!(stats.commands, N, "{mailbox}");
        }
        w.logout().await;
        let got = contents(&mut c, mailbox).await;
        assert_eq!(got.len(), N as usize, "{mailbox}");
        match &first {
            None => first = Some(got),
            Some(f) => assert!(*f == got, "{mailbox} differs from multi-plus"),
        }
    }
    c.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_multiappend_stores_nothing_and_reports_the_error() {
    let server = TestServer::start().await;
    server.add_user("bench", "bench").await;
    let t = Target {
        name: "loft".into(),
        addr: server.addr().to_string(),
        tls: false,
        user: "bench".into(),
        password: "bench".into(),
    };
    for hide in [&[][..], &["LITERAL+"][..]] {
        let mut c = Imap::login(&t).await.expect("login");
        for cap in hide {
            c.caps.remove(*cap);
        }
        // No such mailbox: RFC 9051 §6.3.12 NO [TRYCREATE], for the whole batch.
        let e = c
            .append_all("missing", messages(), AppendPlan::default())
            .await
            .expect_err("APPEND to a missing mailbox");
        assert!(format!("{e:#}").contains("TRYCREATE"), "{hide:?}: {e:#}");
    }
}
