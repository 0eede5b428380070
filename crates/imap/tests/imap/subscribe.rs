//! SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8); LSUB is in list.rs.

use loft_testkit::TestServer;

#[tokio::test]
async fn subscribe_unsubscribe() {
    let server = TestServer::start_on(super::BACKEND).await;
    server.add_user("alice", "pw").await;
    let mut tc = server.login("alice", "pw").await;
    tc.ok("CREATE News").await;
    tc.ok("SUBSCRIBE News").await;
    let r = tc.ok("LIST \"\" News RETURN (SUBSCRIBED)").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren \\Subscribed) \"/\" \"News\"".to_string()]
    );
    tc.ok("UNSUBSCRIBE News").await;
    let r = tc.ok("LIST \"\" News RETURN (SUBSCRIBED)").await;
    assert_eq!(
        r,
        vec!["* LIST (\\HasNoChildren) \"/\" \"News\"".to_string()]
    );
    // RFC 9051 §6.3.7: a name that does not exist may be subscribed.
    tc.ok("SUBSCRIBE Later").await;
    let r = tc.ok("LSUB \"\" Later").await;
    assert_eq!(r, vec!["* LSUB () \"/\" \"Later\"".to_string()]);
}
