//! Shared helper for the selected-state command tests: a fresh server with one user and a
//! few known messages in INBOX.
#![allow(dead_code)]

use loft_testkit::server::parse_flags;
use loft_testkit::{TestConn, TestServer};

pub const USER: &str = "alice";
pub const PASS: &str = "secret";

pub const SIMPLE: &str = "Date: Wed, 17 Jul 1996 02:23:25 -0700\r\n\
From: Terry Gray <gray@cac.washington.edu>\r\n\
To: imap@cac.washington.edu\r\n\
Subject: afternoon meeting\r\n\
Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
\r\n\
Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

pub const MULTIPART: &str = "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\
From: Fred Foobar <foobar@Blurdybloop.example>\r\n\
To: mooch@owatagu.example\r\n\
Subject: report with attachment\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"XX\"\r\n\
\r\n\
--XX\r\n\
Content-Type: text/plain; charset=us-ascii\r\n\
\r\n\
The quarterly numbers are attached.\r\n\
--XX\r\n\
Content-Type: application/octet-stream\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
AAECAwQ=\r\n\
--XX--\r\n";

/// A third message, to have something for SEARCH BODY/HEADER to tell apart.
pub const THIRD: &str = "Date: Tue, 1 Mar 2022 10:00:00 +0000\r\n\
From: Bob <bob@example.org>\r\n\
To: alice@example.org\r\n\
Cc: carol@example.org\r\n\
Subject: Lunch?\r\n\
X-Priority: 1\r\n\
\r\n\
Pizza at noon? The usual place.\r\n";

pub async fn server() -> TestServer {
    let srv = TestServer::start_on(super::BACKEND).await;
    srv.add_user(USER, PASS).await;
    srv
}

/// A server whose INBOX holds SIMPLE (UID 1), MULTIPART (UID 2, \Seen) and THIRD (UID 3,
/// \Flagged $Work), with internal dates 1996-07-17, 1994-02-07 and 2022-03-01.
pub async fn server_with_messages() -> TestServer {
    let srv = server().await;
    let date = |s: &str| Some(chrono::DateTime::parse_from_rfc3339(s).unwrap());
    srv.append_with(
        USER,
        "INBOX",
        SIMPLE,
        parse_flags(""),
        date("1996-07-17T02:44:25-07:00"),
    )
    .await;
    srv.append_with(
        USER,
        "INBOX",
        MULTIPART,
        parse_flags("\\Seen"),
        date("1994-02-07T21:52:25-08:00"),
    )
    .await;
    srv.append_with(
        USER,
        "INBOX",
        THIRD,
        parse_flags("\\Flagged $Work"),
        date("2022-03-01T10:00:00+00:00"),
    )
    .await;
    srv
}

pub async fn login(srv: &TestServer) -> TestConn {
    srv.login(USER, PASS).await
}

/// Logged in with INBOX selected.
pub async fn selected(srv: &TestServer) -> TestConn {
    let mut tc = login(srv).await;
    tc.ok("SELECT INBOX").await;
    tc
}

/// Logged in, IMAP4rev2 enabled, INBOX selected.
pub async fn selected_rev2(srv: &TestServer) -> TestConn {
    let mut tc = login(srv).await;
    tc.ok("ENABLE IMAP4rev2").await;
    tc.ok("SELECT INBOX").await;
    tc
}

/// The one untagged response containing `needle`; panics when none or several.
pub fn one<'a>(responses: &'a [String], needle: &str) -> &'a str {
    let hits: Vec<&String> = responses.iter().filter(|r| r.contains(needle)).collect();
    assert_eq!(
        hits.len(),
        1,
        "expected exactly one response containing {needle:?} in {responses:#?}"
    );
    hits[0]
}
