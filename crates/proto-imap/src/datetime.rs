//! IMAP date and date-time: RFC 9051 §9 `date-time` ("17-Jul-1996 02:44:25 -0700") and
//! `date` ("1-Feb-1994"), case-insensitive month.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike};

/// Parse a `date-time`, with or without its surrounding DQUOTEs.
///
/// RFC 9051 §9: `date-day-fixed = (SP DIGIT) / 2DIGIT`; a single unpadded digit is also
/// accepted because rev1 clients send it (be liberal in what you accept).
pub fn parse_date_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = strip_quotes(s);
    let s = s.strip_prefix(' ').unwrap_or(s);
    let (date_part, rest) = s.split_once(' ')?;
    let date = parse_date_text(date_part)?;
    let (time_part, zone_part) = rest.split_once(' ')?;
    let time = parse_time(time_part)?;
    let offset = parse_zone(zone_part)?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// Parse a `date` (`date-text` or `DQUOTE date-text DQUOTE`, RFC 9051 §9).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    parse_date_text(strip_quotes(s))
}

/// `"17-Jul-1996 02:44:25 -0700"` including the quotes (day space-padded to two chars).
pub fn format_date_time(dt: &DateTime<FixedOffset>) -> String {
    let mut out = String::with_capacity(28);
    let day = dt.day();
    let secs = dt.offset().local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs_min = secs.unsigned_abs() / 60;
    // `write!` into a String cannot fail.
    use std::fmt::Write as _;
    let _ = write!(
        out,
        "\"{}{}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"",
        if day < 10 { " " } else { "" },
        day,
        MONTHS[dt.month0() as usize],
        dt.year(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        sign,
        abs_min / 60,
        abs_min % 60
    );
    out
}

/// `date-text` as used in SEARCH (`1-Feb-1994`), for writing it back.
pub fn format_date(d: &NaiveDate) -> String {
    format!(
        "{}-{}-{:04}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(s)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `date-day "-" date-month "-" date-year`.
fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let mut it = s.split('-');
    let day = it.next()?.trim_start_matches(' ');
    let month = it.next()?;
    let year = it.next()?;
    if it.next().is_some()
        || !all_digits(day)
        || day.len() > 2
        || !all_digits(year)
        || year.len() != 4
    {
        return None;
    }
    let month0 = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, month0 as u32 + 1, day.parse().ok()?)
}

/// `time = 2DIGIT ":" 2DIGIT ":" 2DIGIT`.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() != 8 || !s.is_ascii() || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (&s[0..2], &s[3..5], &s[6..8]);
    if !(all_digits(h) && all_digits(m) && all_digits(sec)) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?)
}

/// `zone = ("+" / "-") 4DIGIT`.
fn parse_zone(s: &str) -> Option<FixedOffset> {
    let b = s.as_bytes();
    // is_ascii first: slicing a non-ASCII &str at byte 1 would panic.
    if b.len() != 5 || !s.is_ascii() || !all_digits(&s[1..]) {
        return None;
    }
    let hh: i32 = s[1..3].parse().ok()?;
    let mm: i32 = s[3..5].parse().ok()?;
    if mm >= 60 {
        return None;
    }
    let secs = hh * 3600 + mm * 60;
    match b[0] {
        b'+' => FixedOffset::east_opt(secs),
        b'-' => FixedOffset::west_opt(secs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc_example() {
        let dt = parse_date_time("\"17-Jul-1996 02:44:25 -0700\"").unwrap();
        assert_eq!(dt.year(), 1996);
        assert_eq!(dt.month(), 7);
        assert_eq!(dt.day(), 17);
        assert_eq!(dt.hour(), 2);
        assert_eq!(dt.offset().local_minus_utc(), -7 * 3600);
        assert_eq!(format_date_time(&dt), "\"17-Jul-1996 02:44:25 -0700\"");
    }

    #[test]
    fn space_padded_and_unpadded_day() {
        let a = parse_date_time(" 7-FEB-1994 21:52:25 +0100").unwrap();
        let b = parse_date_time("7-feb-1994 21:52:25 +0100").unwrap();
        let c = parse_date_time("\" 7-Feb-1994 21:52:25 +0100\"").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(format_date_time(&a), "\" 7-Feb-1994 21:52:25 +0100\"");
    }

    #[test]
    fn rejects_bad_date_times() {
        for s in [
            "",
            "17-Jul-1996",
            "17-Jux-1996 02:44:25 -0700",
            "32-Jul-1996 02:44:25 -0700",
            "17-Jul-96 02:44:25 -0700",
            "17-Jul-1996 24:44:25 -0700",
            "17-Jul-1996 02:44 -0700",
            "17-Jul-1996 02:44:25 0700",
            "17-Jul-1996 02:44:25 -07000",
            "17-Jul-1996 02:44:25 -0760",
            "30-Feb-2000 02:44:25 -0700",
            "1-Jan-2000  02:44:25 +0000",
        ] {
            assert!(parse_date_time(s).is_none(), "{s}");
        }
    }

    #[test]
    fn non_ascii_never_panics() {
        assert!(parse_date_time("1-Jan-2000 00:00:00 é123").is_none());
        assert!(parse_date_time("1-Jan-2000 éé:0:000 +0000").is_none());
        assert!(parse_date("é-Jan-2000").is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("1-Feb-1994"),
            NaiveDate::from_ymd_opt(1994, 2, 1)
        );
        assert_eq!(
            parse_date("\"01-feb-1994\""),
            NaiveDate::from_ymd_opt(1994, 2, 1)
        );
        assert_eq!(parse_date("29-Feb-2023"), None);
        assert_eq!(parse_date("1-Feb-1994-"), None);
        assert_eq!(parse_date("123-Feb-1994"), None);
        assert_eq!(
            format_date(&NaiveDate::from_ymd_opt(1994, 2, 1).unwrap()),
            "1-Feb-1994"
        );
    }
}
