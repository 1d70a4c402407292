//! Timestamps as the AWS CLI reads and writes them: botocore's `parse_to_aware_datetime` (epoch
//! seconds, or a date string as `dateutil.parser.parse` reads one, naive times taken as UTC) and
//! the texts its serializer makes of the result (epoch seconds, ISO 8601, RFC 822).
//!
//! Validation accepts a timestamp exactly when [`parse`] reads it, and serialization sends what
//! [`UtcTime`]'s formats make of it, so the two cannot disagree.
//!
//! # What is read
//!
//! - A JSON number (or `true`/`false`, which Python counts as 1 and 0) or a string holding a
//!   Python `float()` literal: seconds since the epoch, rounded to microseconds half to even as
//!   `datetime.fromtimestamp` rounds them.
//! - Any other string, as `dateutil` reads it, for these forms: ISO 8601 dates and times (`T` or a
//!   space between them, basic or extended, fractions of any length truncated to microseconds, `Z`
//!   or an offset `+01`, `+0100`, `+01:00`), RFC 822/2822 (`Wed, 01 Jan 2020 10:00:00 GMT`, or an
//!   offset), month names (`Jan 3 2020`, `3 January 2020`, `31-Jan-2020`), `2020/02/29`,
//!   `02/29/2020` (day first when the first number is over 12), `31.01.2020`, `AM`/`PM`, weekday
//!   names, two-digit years (within 50 years of this year, as `dateutil` resolves them) and upper
//!   case zone names other than UTC/GMT/Z (which `dateutil` does not know and leaves naive, so
//!   botocore takes them as UTC). What a string leaves out is `dateutil`'s default: today's local
//!   date at midnight (a missing day beyond the month's last becomes the last; a weekday alone
//!   moves to that weekday on or after the date).
//! - `dateutil` reads more (`10pm`, `GMT+3`, fuzzy forms); those are refused here.
//!
//! Values outside Python's `datetime` (years 1 to 9999) are refused, as botocore refuses or
//! crashes on them.

use serde_json::Value;

use crate::compat::repr;

/// A moment in UTC as Python's aware `datetime` holds it: whole seconds since the epoch and the
/// microseconds after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcTime {
    secs: i64,
    micros: u32,
}

/// Epoch seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of Python's
/// `datetime`.
const SECS_MIN: i64 = -62_135_596_800;
const SECS_MAX: i64 = 253_402_300_799;

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const WEEKDAY_NAMES: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl UtcTime {
    /// The moment `secs` seconds and `micros` microseconds after the epoch, if Python's
    /// `datetime` can hold it.
    pub fn new(secs: i64, micros: u32) -> Option<UtcTime> {
        ((SECS_MIN..=SECS_MAX).contains(&secs) && micros < 1_000_000).then_some(UtcTime { secs, micros })
    }

    /// Whole seconds since the epoch (rounded down).
    pub fn secs(self) -> i64 {
        self.secs
    }

    /// Microseconds after [`UtcTime::secs`].
    pub fn micros(self) -> u32 {
        self.micros
    }

    /// botocore's `_timestamp_unixtimestamp`: whole seconds, the fraction dropped
    /// (`calendar.timegm(value.timetuple())`). The restJson1 body's default.
    pub fn epoch_seconds(self) -> i64 {
        self.secs
    }

    /// botocore's `_timestamp_iso8601`: `2020-01-02T03:04:05Z`, or with `.%f` (six digits) when
    /// there are microseconds. The default of query strings and labels.
    pub fn iso8601(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        // Python's strftime leaves `%Y` unpadded below year 1000, as glibc's does.
        let base = format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if self.micros == 0 { format!("{base}Z") } else { format!("{base}.{:06}Z", self.micros) }
    }

    /// botocore's `_timestamp_rfc822` (`email.utils.formatdate(usegmt=True)` of the whole
    /// seconds): `Thu, 02 Jan 2020 03:04:05 GMT`. The default of headers.
    pub fn rfc822(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        let weekday = DAY_NAMES[(self.secs.div_euclid(86_400) + 3).rem_euclid(7) as usize];
        format!("{weekday}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", MONTH_ABBR[mo as usize - 1])
    }

    /// Python's `datetime.isoformat()` of this moment in the local time zone (`TZ`, else the
    /// system's), as the AWS CLI prints response timestamps: `2024-01-02T03:04:05+00:00`, with
    /// six digits of microseconds when there are any.
    pub fn isoformat_local(self) -> String {
        let offset = local_offset(self.secs);
        let local = UtcTime { secs: self.secs + offset, micros: self.micros };
        let (y, mo, d, h, mi, s) = local.fields();
        let sign = if offset < 0 { '-' } else { '+' };
        let zone = format!("{sign}{:02}:{:02}", offset.abs() / 3600, offset.abs() % 3600 / 60);
        let base = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if self.micros == 0 { format!("{base}{zone}") } else { format!("{base}.{:06}{zone}", self.micros) }
    }

    /// Year, month, day, hour, minute, second.
    fn fields(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.secs.div_euclid(86_400);
        let rest = self.secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
    }
}

/// Reads a timestamp as botocore's `parse_to_aware_datetime` reads the value `json.loads` makes
/// of `value`; `None` where botocore refuses it.
pub fn parse(value: &Value) -> Option<UtcTime> {
    parse_at(value, today())
}

/// [`parse`] with `today` (year, month, day) as `dateutil`'s default date.
fn parse_at(value: &Value, today: (i64, u32, u32)) -> Option<UtcTime> {
    match value {
        Value::Bool(b) => UtcTime::new(i64::from(*b), 0),
        Value::Number(n) => match n.as_i64() {
            Some(i) => UtcTime::new(i, 0),
            None => from_float(n.as_f64()?),
        },
        Value::String(s) => match repr::float(s) {
            Ok(f) => from_float(f.as_f64()?),
            Err(_) => parse_date(s, today),
        },
        _ => None,
    }
}

/// `datetime.fromtimestamp(f)`: the fraction rounded to microseconds, half to even.
fn from_float(f: f64) -> Option<UtcTime> {
    if !f.is_finite() || f.abs() > 1e12 {
        return None;
    }
    let whole = f.trunc();
    let mut micros = (f.fract() * 1e6).round_ties_even();
    let mut secs = whole as i64;
    if micros >= 1e6 {
        micros -= 1e6;
        secs += 1;
    } else if micros < 0.0 {
        micros += 1e6;
        secs -= 1;
    }
    UtcTime::new(secs, micros as u32)
}

/// What a date string gave.
#[derive(Default)]
struct Parts {
    year: Option<i64>,
    /// Whether the year was written with more than two digits.
    century: bool,
    month: Option<u32>,
    day: Option<u32>,
    /// The day was a number of its own (`Jan 3`), not part of a date (`2020-01-03`).
    bare_day: bool,
    weekday: Option<u32>,
    /// Hour, minute, second, microsecond, once a time was read.
    time: Option<(u32, u32, u32, u32)>,
    pm: Option<bool>,
    /// A zone was read; the offset east of UTC in seconds, `None` for UTC, [`UNKNOWN_ZONE`] for a
    /// name dateutil does not know.
    zone: Option<Option<i64>>,
}

fn parse_date(s: &str, today: (i64, u32, u32)) -> Option<UtcTime> {
    // Every form we read is ASCII, which also keeps the byte slicing below on char boundaries.
    if !s.is_ascii() {
        return None;
    }
    let mut p = Parts::default();
    let mut any = false;
    for word in words(s) {
        any = true;
        word_into(word, &mut p)?;
    }
    // A number alone is the day only beside a month's name (`Jan 3 2020`) or alone (`3 10:00`);
    // dateutil reads `3 2020` and `3 20` as months, which we refuse rather than guess.
    if !any || (p.bare_day && p.month.is_none() && p.year.is_some()) {
        return None;
    }
    let (mut hour, minute, second, micros) = p.time.unwrap_or_default();
    match p.pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let year = p.year.map_or(today.0, |y| if p.century { y } else { two_digit_year(y, today.0) });
    let month = p.month.unwrap_or(today.1);
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    let day = match p.day {
        Some(d) if d >= 1 && d <= days_in_month(year, month) => d,
        Some(_) => return None,
        None => today.2.min(days_in_month(year, month)),
    };
    let mut days = days_from_civil(year, month, day);
    if let (Some(weekday), None) = (p.weekday, p.day) {
        // Monday is 0; 1970-01-01 was a Thursday.
        let current = (days + 3).rem_euclid(7);
        days += (i64::from(weekday) - current).rem_euclid(7);
    }
    let offset = p.zone.flatten().filter(|o| *o != UNKNOWN_ZONE).unwrap_or(0);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset;
    UtcTime::new(secs, micros)
}

/// The words of a date string: split at white space and at commas, except a comma between the
/// digits of a time (`10:00:00,5`).
fn words(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut out = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let decimal_comma = b == b','
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && s[start..i].contains(':');
        if b.is_ascii_whitespace() || (b == b',' && !decimal_comma) {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out.into_iter().filter(|w| !w.is_empty())
}

/// `dateutil`'s reading of a year written with one or two digits: this century, unless that is
/// 50 years or more away from this year.
fn two_digit_year(y: i64, this_year: i64) -> i64 {
    if y >= 100 {
        return y;
    }
    let year = y + this_year / 100 * 100;
    if year >= this_year + 50 {
        year - 100
    } else if year < this_year - 50 {
        year + 100
    } else {
        year
    }
}

/// Reads one word of a date string into `p`; `None` when the string cannot be a date.
fn word_into(word: &str, p: &mut Parts) -> Option<()> {
    let lower = word.to_ascii_lowercase();
    let w = lower.trim_end_matches('.');
    let set = |slot: &mut Option<u32>, v: u32| slot.replace(v).is_none().then_some(());
    if let Some(i) = WEEKDAYS.iter().position(|d| *d == w).or_else(|| WEEKDAY_NAMES.iter().position(|d| *d == w)) {
        p.weekday = Some(i as u32);
        return Some(());
    }
    if let Some(i) = MONTHS.iter().position(|m| *m == w).or_else(|| MONTH_NAMES.iter().position(|m| *m == w)) {
        return set(&mut p.month, i as u32 + 1);
    }
    if matches!(w, "am" | "pm") {
        if p.time.is_none() && p.bare_day {
            // `12 PM`: the number was the hour.
            p.time = Some((p.day.take()?, 0, 0, 0));
            p.bare_day = false;
        }
        return am_pm(w, p);
    }
    if p.time.is_some() && (p.zone.is_none() || p.zone == Some(Some(UNKNOWN_ZONE))) {
        if word.starts_with(['+', '-']) {
            // Also after a zone name dateutil does not know (`10:00 XYZ +01:00`).
            p.zone = Some(Some(offset(word)?));
            return Some(());
        }
        if p.zone.is_none() {
            return zone_name(word, p);
        }
    }
    // ISO 8601 date and time joined by `T`.
    if let Some(i) = w.find('t').filter(|&i| !w[..i].contains(':')) {
        if i == 0 {
            return None;
        }
        date_into(&w[..i], p)?;
        return time_into(&word[i + 1..], p);
    }
    if w.contains(':') {
        return time_into(word, p);
    }
    if w.contains(['-', '/', '.']) {
        return date_into(w, p);
    }
    let n = digits(w, 1..=8)?;
    match w.len() {
        8 => date_into(w, p),
        // `2020-01-31 103015`: a time after a date.
        6 if p.year.is_some() && p.day.is_some() => time_into(w, p),
        3 | 4 => {
            p.century = true;
            p.year.replace(i64::from(n)).is_none().then_some(())
        }
        _ if p.day.is_none() => {
            p.bare_day = true;
            set(&mut p.day, n)
        }
        _ => {
            p.century = false;
            p.year.replace(i64::from(n)).is_none().then_some(())
        }
    }
}

fn digits(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `2020-01-31`, `2020-01`, `20200131`, `2020/01/31`, `01/31/2020`, `31/01/2020`, `31.01.2020`,
/// `31-jan-2020`.
fn date_into(s: &str, p: &mut Parts) -> Option<()> {
    if p.year.is_some() || p.month.is_some() || p.day.is_some() {
        return None;
    }
    let fields: Vec<&str> = s.split(['-', '/', '.']).collect();
    let (y, m, d) = match fields.as_slice() {
        [one] if one.len() == 8 => {
            (digits(&one[..4], 4..=4)?, digits(&one[4..6], 2..=2)?, Some(digits(&one[6..], 2..=2)?))
        }
        [y, m] if y.len() == 4 => (digits(y, 4..=4)?, digits(m, 1..=2)?, None),
        [y, m, d] if y.len() == 4 => (digits(y, 4..=4)?, digits(m, 1..=2)?, Some(digits(d, 1..=2)?)),
        [a, b, y] if y.len() == 4 => {
            let y = digits(y, 4..=4)?;
            match MONTHS.iter().position(|m| *m == *b) {
                Some(m) => (y, m as u32 + 1, Some(digits(a, 1..=2)?)),
                None => {
                    let (a, b) = (digits(a, 1..=2)?, digits(b, 1..=2)?);
                    // Month first, unless the first number cannot be a month.
                    if a > 12 && b <= 12 { (y, b, Some(a)) } else { (y, a, Some(b)) }
                }
            }
        }
        _ => return None,
    };
    p.year = Some(i64::from(y));
    p.century = true;
    p.month = Some(m);
    p.day = d;
    Some(())
}

/// `10`, `10:30`, `10:30:15`, `10:30:15.250`, `1030`, `103015`, each optionally followed by `z`
/// or an offset.
fn time_into(s: &str, p: &mut Parts) -> Option<()> {
    if p.time.is_some() {
        return None;
    }
    // What follows the clock: an offset, a zone name or AM/PM.
    let (clock, after) = match s.find(|c: char| matches!(c, '+' | '-') || c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    };
    let (clock, frac) = match clock.split_once(['.', ',']) {
        Some((c, f)) => (c, Some(f)),
        None => (clock, None),
    };
    let micros = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            // dateutil keeps the first six digits.
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse().ok()?
        }
        Some(_) => return None,
    };
    let fields: Vec<u32> = if clock.contains(':') {
        clock.split(':').map(|f| digits(f, 1..=2)).collect::<Option<_>>()?
    } else if matches!(clock.len(), 2 | 4 | 6) {
        (0..clock.len()).step_by(2).map(|i| digits(&clock[i..i + 2], 2..=2)).collect::<Option<_>>()?
    } else {
        return None;
    };
    let (h, m, sec) = match fields.as_slice() {
        [h] if frac.is_none() => (*h, 0, 0),
        [h, m] if frac.is_none() => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if h >= 24 || m >= 60 || sec >= 60 {
        return None;
    }
    p.time = Some((h, m, sec, micros));
    match after {
        None => Some(()),
        Some(a) if a.starts_with(['+', '-']) => {
            p.zone = Some(Some(offset(a)?));
            Some(())
        }
        Some(a) if a.eq_ignore_ascii_case("am") || a.eq_ignore_ascii_case("pm") => am_pm(&a.to_ascii_lowercase(), p),
        Some(a) => zone_name(a, p),
    }
}

/// `AM` or `PM` after a time of at most 12 hours.
fn am_pm(w: &str, p: &mut Parts) -> Option<()> {
    let (hour, ..) = p.time?;
    (p.pm.is_none() && hour <= 12).then(|| p.pm = Some(w == "pm"))
}

/// Stands for a zone name dateutil does not know, which leaves the time naive (UTC to botocore);
/// no real offset is this large.
const UNKNOWN_ZONE: i64 = i64::MIN;

/// A zone name after a time: UTC, GMT (botocore adds it) and Z are UTC; another upper case name
/// of up to five letters is unknown to dateutil, which leaves the time naive, and botocore takes
/// a naive time as UTC.
fn zone_name(word: &str, p: &mut Parts) -> Option<()> {
    if matches!(word, "UTC" | "GMT" | "Z" | "z") {
        p.zone = Some(None);
        Some(())
    } else if word.len() <= 5 && word.bytes().all(|b| b.is_ascii_uppercase()) {
        p.zone = Some(Some(UNKNOWN_ZONE));
        Some(())
    } else {
        None
    }
}

/// `+01:00`, `-0130`, `+01`: seconds east of UTC.
fn offset(s: &str) -> Option<i64> {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let body = &s[1..];
    let hm = body.replace(':', "");
    let ok_len = matches!(hm.len(), 2 | 4) && (body.len() == hm.len() || body.len() == 5);
    if !ok_len {
        return None;
    }
    let h = digits(&hm[..2], 2..=2).filter(|h| *h < 24)?;
    let m = if hm.len() == 2 { 0 } else { digits(&hm[2..], 2..=2).filter(|m| *m < 60)? };
    Some(sign * i64::from(h * 3600 + m * 60))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Count from 0000-03-01 so that the leap day ends each 4-, 100- and 400-year cycle.
    let (y, m) = if month <= 2 { (year - 1, i64::from(month) + 9) } else { (year, i64::from(month) - 3) };
    let day_of_year = (153 * m + 2) / 5 + i64::from(day) - 1;
    let days_before_year = 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    days_before_year + day_of_year - 719_468
}

/// The date of a day counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Today's local date, `dateutil`'s default for what a string leaves out.
fn today() -> (i64, u32, u32) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    civil_from_days((now + local_offset(now)).div_euclid(86_400))
}

/// The local time zone's offset from UTC at `secs`, in seconds (`TZ`, else the system's zone).
#[cfg(unix)]
// `time_t` and `c_long` are 64 bits here but not on every Unix.
#[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
// The libc crate marks musl's `time_t` deprecated, as a warning that it is to become 64 bits.
#[cfg_attr(target_env = "musl", allow(deprecated))]
fn local_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: an all-zero `tm` is a valid value for localtime_r to fill in; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return 0;
    }
    i64::from(tm.tm_gmtoff)
}

/// The local time zone's offset from UTC at `secs`, in seconds: the C runtime's `localtime_s`
/// (which reads `TZ`, else the system's zone, as Python's `time.localtime` does on Windows),
/// compared with `secs`.
#[cfg(windows)]
fn local_offset(secs: i64) -> i64 {
    let t: libc::time_t = secs;
    // SAFETY: an all-zero `tm` is a valid value for localtime_s to fill in; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    if unsafe { libc::localtime_s(&mut tm, &t) } != 0 {
        return 0;
    }
    let (Ok(month), Ok(day)) = (u32::try_from(tm.tm_mon + 1), u32::try_from(tm.tm_mday)) else {
        return 0;
    };
    let days = days_from_civil(i64::from(tm.tm_year) + 1900, month, day);
    let local = days * 86_400 + i64::from(tm.tm_hour) * 3600 + i64::from(tm.tm_min) * 60 + i64::from(tm.tm_sec);
    local - secs
}

#[cfg(not(any(unix, windows)))]
fn local_offset(_secs: i64) -> i64 {
    0
}

#[cfg(test)]
mod tests;
