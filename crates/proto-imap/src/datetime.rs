//! IMAP date and date-time (CONTRACT STUB): RFC 9051 §9 `date-time`
//! ("17-Jul-1996 02:44:25 -0700") and `date` ("1-Feb-1994"), case-insensitive month.

use chrono::{DateTime, FixedOffset, NaiveDate};

pub fn parse_date_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let _ = s;
    unimplemented!("contract stub")
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let _ = s;
    unimplemented!("contract stub")
}

/// `"17-Jul-1996 02:44:25 -0700"` including the quotes (day space-padded to two chars).
pub fn format_date_time(dt: &DateTime<FixedOffset>) -> String {
    let _ = dt;
    unimplemented!("contract stub")
}
