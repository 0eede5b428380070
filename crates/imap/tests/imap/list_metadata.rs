//! LIST-METADATA (RFC 9590): `LIST ... RETURN (METADATA (...))`.
use super::common_selected;

use common_selected::*;

#[tokio::test]
async fn list_metadata_edges() {
    let srv = server().await;
    let mut tc = login(&srv).await;
    tc.ok("CAPABILITY").await;
    tc.untagged_contains(" LIST-METADATA");
    tc.ok("CREATE a/b").await;
    tc.ok("SETMETADATA a/b (/private/x/y \"deep\" /private/x \"top\")")
        .await;
    // DEPTH 1 returns the children of the entry too.
    assert_eq!(
        tc.ok("LIST \"\" a/b RETURN (METADATA (DEPTH 1 /private/x))")
            .await,
        vec![
            "* LIST (\\HasNoChildren) \"/\" \"a/b\"",
            "* METADATA \"a/b\" (/private/x \"top\" /private/x/y \"deep\")"
        ]
    );
    // A subscribed name that does not exist gets no METADATA response.
    tc.ok("SUBSCRIBE gone").await;
    assert_eq!(
        tc.ok("LIST (SUBSCRIBED) \"\" gone RETURN (METADATA (/private/x))")
            .await,
        vec!["* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"gone\""]
    );
    // With STATUS too: LIST, METADATA, then STATUS.
    let r = tc
        .ok("LIST \"\" a/b RETURN (STATUS (MESSAGES) METADATA (/private/none))")
        .await;
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!(r[1], "* METADATA \"a/b\" (/private/none NIL)");
    assert!(r[2].starts_with("* STATUS \"a/b\" (MESSAGES 0)"), "{r:?}");
    // Bad entry names and empty lists are BAD.
    tc.bad("LIST \"\" % RETURN (METADATA (/private/x*))").await;
    tc.bad("LIST \"\" % RETURN (METADATA ())").await;
}
