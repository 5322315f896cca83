//! Dates as they appear in HTTP (RFC 9110 HTTP-date in its three forms, read by the `httpdate`
//! crate) and in JSON (RFC 3339, read and written here: no small crate does only that), to and
//! from Unix seconds.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    if !(0..=9999).contains(&y) {
        return None;
    }
    // Within these ranges nothing overflows; checked anyway so a later change cannot panic.
    days_from_civil(y, mo, d)
        .checked_mul(86400)?
        .checked_add(i64::from(h * 3600 + mi * 60 + s))
}

/// Exactly `n` ASCII digits as a number (`str::parse` also takes a sign).
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an HTTP-date: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) or asctime (`Sun Nov  6 08:49:37 1994`), from 1970 to 9999
/// and with the right weekday.
pub fn parse_http_date(input: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(input.trim()).ok()?;
    let secs = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

/// Parses RFC 3339 / ISO 8601 date-times: `2025-01-15T12:05:00Z`, with fractions and offsets.
/// Strict: fixed-width digits, offsets `±HH:MM` (or `±HHMM`) within ±23:59.
pub fn parse_rfc3339(input: &str) -> Option<i64> {
    let s = input.trim();
    let b = s.as_bytes();
    if b.len() < 19 || !s.is_char_boundary(10) || !s.is_char_boundary(19) {
        return None;
    }
    let sep = b[10];
    if sep != b'T' && sep != b't' && sep != b' ' || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&s[..4], 4)?;
    let mo = digits(&s[5..7], 2)?;
    let d = digits(&s[8..10], 2)?;
    let time = &s[11..19];
    if time.as_bytes()[2] != b':' || time.as_bytes()[5] != b':' {
        return None;
    }
    let (h, mi, sec) = (
        digits(&time[..2], 2)?,
        digits(&time[3..5], 2)?,
        digits(&time[6..], 2)?,
    );
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let tz = &rest[1..];
            let (oh, om) = match tz.len() {
                5 if tz.as_bytes()[2] == b':' => (tz.get(..2)?, tz.get(3..)?),
                4 => (tz.get(..2)?, tz.get(2..)?),
                _ => return None,
            };
            let (oh, om) = (digits(oh, 2)?, digits(om, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * i64::from(oh * 3600 + om * 60)
        }
    };
    unix(i64::from(y), mo, d, h, mi, sec)?.checked_sub(offset)
}

/// Formats Unix seconds as RFC 3339 UTC (`2026-11-25T11:03:00Z`).
pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// A duration in words: `45 seconds`, `2 minutes`, `1 hour 30 minutes`, `3 days`.
pub fn human_duration(secs: u64) -> String {
    fn unit(n: u64, one: &str) -> String {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    }
    match secs {
        0..=119 => unit(secs, "second"),
        120..=3599 => unit(secs / 60, "minute"),
        3600..=86399 => {
            let (h, m) = (secs / 3600, (secs % 3600) / 60);
            if m == 0 {
                unit(h, "hour")
            } else {
                format!("{} {}", unit(h, "hour"), unit(m, "minute"))
            }
        }
        _ => unit(secs / 86400, "day"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_in_all_three_forms() {
        let t = 784111777;
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(parse_http_date("garbage"), None);
        assert_eq!(parse_http_date("Sun, 99 Nov 1994 08:49:37 GMT"), None);
    }

    #[test]
    fn rfc3339_round_trip() {
        assert_eq!(parse_rfc3339("2025-01-15T12:05:00Z"), Some(1736942700));
        assert_eq!(format_rfc3339(1736942700), "2025-01-15T12:05:00Z");
        assert_eq!(
            parse_rfc3339("2025-01-15T13:05:00.123+01:00"),
            Some(1736942700)
        );
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2025-01-15"), None);
        assert_eq!(parse_rfc3339("2025-01-15Tü:00:00Z"), None);
        assert_eq!(parse_rfc3339("2025-01-15T12:05:00+0100"), Some(1736939100));
        assert_eq!(
            parse_rfc3339("2025-01-15T12:05:00-23:59"),
            Some(1736942700 + 86340)
        );
    }

    #[test]
    fn rfc3339_rejects_overflowing_and_garbage_offsets() {
        for bad in [
            "2025-01-15T12:05:00+9223372036854775807:00",
            "2025-01-15T12:05:00-00-901100083",
            "2025-01-15T12:05:00+24:00",
            "2025-01-15T12:05:00+23:60",
            "2025-01-15T12:05:00+1:00",
            "2025-01-15T12:05:00+01:0",
            "2025-01-15T12:05:00+-1:00",
            "+025-01-15T12:05:00Z",
            "2025-+1-15T12:05:00Z",
            "2025-01-15T+1:05:00Z",
            "2025-01-15T12:05:00.Z",
            "2025-01-15T12:05:00ZZ",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 +8:49:37 GMT"), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(1), "1 second");
        assert_eq!(human_duration(120), "2 minutes");
        assert_eq!(human_duration(5400), "1 hour 30 minutes");
        assert_eq!(human_duration(86400 * 3), "3 days");
    }
}
