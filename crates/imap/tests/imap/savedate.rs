//! SAVEDATE (RFC 8514): FETCH SAVEDATE; SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE and
//! SAVEDATESUPPORTED.
use super::common_selected;

use common_selected::*;

#[tokio::test]
async fn fetch_savedate_is_the_save_time_not_the_internal_date() {
    // server_with_messages: internal dates in 1996, 1994 and 2022, saved now.
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let today = chrono::Utc::now().format("%d-%b-%Y").to_string();
    let u = tc.ok("FETCH 1 (SAVEDATE INTERNALDATE)").await;
    assert_eq!(u.len(), 1, "{u:?}");
    assert!(u[0].starts_with("* 1 FETCH (SAVEDATE \""), "{u:?}");
    assert!(
        u[0].contains(&today) || u[0].contains(&today.trim_start_matches('0').to_string()),
        "{u:?}"
    );
    assert!(
        u[0].contains("INTERNALDATE \"17-Jul-1996 02:44:25 -0700\""),
        "{u:?}"
    );
    // COPY gives the copy a new save date (RFC 8514 §3), also dated today.
    tc.ok("COPY 2 Archive").await;
    tc.ok("SELECT Archive").await;
    let u = tc.ok("UID FETCH 1 (SAVEDATE)").await;
    assert!(u[0].contains("SAVEDATE \""), "{u:?}");
}

#[tokio::test]
async fn search_saved_keys() {
    let srv = server_with_messages().await;
    let mut tc = selected(&srv).await;
    let today = chrono::Utc::now().date_naive();
    let fmt = |d: chrono::NaiveDate| d.format("%d-%b-%Y").to_string();
    let tomorrow = today.succ_opt().unwrap();
    let yesterday = today.pred_opt().unwrap();
    // Saved today (UTC, the zone save dates are kept in), whatever the internal dates say.
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDON {}", fmt(today))).await,
        vec!["* SEARCH 1 2 3"]
    );
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDSINCE {}", fmt(today))).await,
        vec!["* SEARCH 1 2 3"]
    );
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDSINCE {}", fmt(tomorrow))).await,
        vec!["* SEARCH"]
    );
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDBEFORE {}", fmt(tomorrow)))
            .await,
        vec!["* SEARCH 1 2 3"]
    );
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDBEFORE {}", fmt(today))).await,
        vec!["* SEARCH"]
    );
    assert_eq!(
        tc.ok(&format!("SEARCH SAVEDON {} SEEN", fmt(yesterday)))
            .await,
        vec!["* SEARCH"]
    );
    // The internal-date keys still see the internal dates.
    assert_eq!(
        tc.ok("SEARCH BEFORE 1-Jan-2000").await,
        vec!["* SEARCH 1 2"]
    );
    assert_eq!(
        tc.ok("SEARCH SAVEDATESUPPORTED").await,
        vec!["* SEARCH 1 2 3"]
    );
    assert_eq!(
        tc.ok("SEARCH NOT SAVEDATESUPPORTED").await,
        vec!["* SEARCH"]
    );
    tc.bad("SEARCH SAVEDON yesterday").await;
    let caps = tc.ok("CAPABILITY").await;
    assert!(caps[0].contains(" SAVEDATE"), "{caps:?}");
}
