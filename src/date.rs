//! Dates for `--keep earliest`: ISO 8601 and the common forms crawls carry, to Unix seconds.
//!
//! Accepted: `2024-06-18`, `2024-06-18T06:40:33Z`, `2024-06-18T06:40:33.5+02:00`,
//! `2024-06-18 06:40`, `2024/06/18`, `20240618`, `18 Jun 2024`, `June 18, 2024 6:40`,
//! `Tue, 18 Jun 2024 06:40:33 GMT` (RFC 2822), `06/18/2024` and `18.06.2024`. A slashed or
//! dotted date with a 4-digit year last is read month-first unless the first number exceeds
//! 12. Anything else is no date (`None`): undated documents sort after dated ones.

/// Seconds since 1970-01-01T00:00:00Z of the date-time in `s`, or `None` if it is not one.
pub fn parse_date(s: &str) -> Option<i64> {
    let parts = Parts::scan(s.trim())?;
    let (year, month, day) = parts.ymd()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (h, m, sec) = parts.time();
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + h * 3600 + m * 60 + sec - parts.offset_seconds)
}

/// The numbers and month name of a date string, in order.
struct Parts {
    numbers: Vec<(i64, usize)>, // value, digit count
    month: Option<i64>,
    /// Whether a month name came before the first number ("June 18, 2024").
    month_first: bool,
    offset_seconds: i64,
}

impl Parts {
    fn scan(s: &str) -> Option<Parts> {
        let (body, offset_seconds) = split_offset(s);
        let mut parts = Parts {
            numbers: Vec::new(),
            month: None,
            month_first: false,
            offset_seconds,
        };
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = &body[start..i];
                if digits.len() > 8 {
                    return None;
                }
                // Fractional seconds: skip the digits after a '.' that follows the seconds.
                let value = digits.parse().ok()?;
                if parts.numbers.len() >= 5 && start > 0 && bytes[start - 1] == b'.' {
                    continue;
                }
                parts.numbers.push((value, digits.len()));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if let Some(m) = month_number(&body[start..i]) {
                    if parts.month.is_none() {
                        parts.month_first = parts.numbers.is_empty();
                        parts.month = Some(m);
                    }
                }
            } else {
                i += 1;
            }
        }
        Some(parts)
    }

    fn ymd(&self) -> Option<(i64, i64, i64)> {
        let n = &self.numbers;
        if let Some(month) = self.month {
            // "18 Jun 2024" or "June 18, 2024" or "Tue, 18 Jun 2024".
            let (a, b) = (n.first()?, n.get(1)?);
            return if self.month_first || a.1 <= 2 {
                Some((b.0, month, a.0))
            } else {
                None
            };
        }
        let first = *n.first()?;
        if first.1 == 8 {
            return Some((first.0 / 10_000, first.0 / 100 % 100, first.0 % 100));
        }
        let (b, c) = (n.get(1)?.0, n.get(2)?);
        if first.1 == 4 {
            return Some((first.0, b, c.0));
        }
        if c.1 == 4 {
            let (month, day) = if first.0 > 12 { (b, first.0) } else { (first.0, b) };
            return Some((c.0, month, day));
        }
        None
    }

    /// Hours, minutes, seconds from the numbers after the date (zero when absent).
    fn time(&self) -> (i64, i64, i64) {
        let skip = if self.numbers.first().is_some_and(|n| n.1 == 8) {
            1
        } else {
            3
        };
        let skip = if self.month.is_some() { 2 } else { skip };
        let mut t = self.numbers.iter().skip(skip).map(|n| n.0);
        (t.next().unwrap_or(0), t.next().unwrap_or(0), t.next().unwrap_or(0))
    }
}

/// Split a trailing zone (`Z`, `+02:00`, `-0500`, `GMT`, `UTC`) off `s`.
fn split_offset(s: &str) -> (&str, i64) {
    for zone in ["Z", "GMT", "UTC", "z"] {
        if let Some(rest) = s.strip_suffix(zone) {
            return (rest, 0);
        }
    }
    // A sign after a time (`T..:..` or ` ..:..`) starts an offset.
    let Some(colon) = s.find(':') else {
        return (s, 0);
    };
    let tail = &s[colon..];
    let Some(sign_at) = tail.rfind(['+', '-']) else {
        return (s, 0);
    };
    let zone = &tail[sign_at + 1..];
    let digits: String = zone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 || zone.len() > 5 {
        return (s, 0);
    }
    let (hh, mm): (i64, i64) = (digits[..2].parse().unwrap_or(0), digits[2..].parse().unwrap_or(0));
    let sign = if tail.as_bytes()[sign_at] == b'-' { -1 } else { 1 };
    (&s[..colon + sign_at], sign * (hh * 3600 + mm * 60))
}

fn month_number(word: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if word.len() < 3 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    MONTHS.iter().position(|m| lower.starts_with(m)).map(|i| i as i64 + 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const JUNE_18: i64 = 1_718_668_800; // 2024-06-18T00:00:00Z

    #[test]
    fn iso_forms() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-06-18"), Some(JUNE_18));
        assert_eq!(parse_date("2024-06-18T06:40:33Z"), Some(JUNE_18 + 24_033));
        assert_eq!(parse_date("2024-06-18T06:40:33.250Z"), Some(JUNE_18 + 24_033));
        assert_eq!(parse_date("2024-06-18T08:40:33+02:00"), Some(JUNE_18 + 24_033));
        assert_eq!(parse_date("2024-06-18T01:40:33-0500"), Some(JUNE_18 + 24_033));
        assert_eq!(parse_date("2024-06-18 06:40"), Some(JUNE_18 + 24_000));
        assert_eq!(parse_date("20240618"), Some(JUNE_18));
    }

    #[test]
    fn common_forms() {
        assert_eq!(parse_date("2024/06/18"), Some(JUNE_18));
        assert_eq!(parse_date("18 Jun 2024"), Some(JUNE_18));
        assert_eq!(parse_date("June 18, 2024"), Some(JUNE_18));
        assert_eq!(parse_date("Tue, 18 Jun 2024 06:40:33 GMT"), Some(JUNE_18 + 24_033));
        assert_eq!(parse_date("06/18/2024"), Some(JUNE_18));
        assert_eq!(parse_date("18.06.2024"), Some(JUNE_18));
    }

    #[test]
    fn nonsense_is_none() {
        for s in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "12",
            "99:99",
            "2024-06-18T25:00:00",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
    }
}
