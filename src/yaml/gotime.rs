//! YAML timestamps as Go's yaml.v2/v3 recognise them: `time.Parse` with one of four layouts
//! (`2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
//! `2006-1-2 15:4:5.999999999`, `2006-1-2`), and the RFC 3339 text `encoding/json` prints
//! for the resulting `time.Time`.

/// A parsed timestamp (wall clock plus zone offset in seconds; `None` = UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GoTime {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: i64,
    offset: Option<i64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    UpperT,
    LowerT,
    Space,
}

/// Parse `s` as yaml's `parseTimestamp` does (`None` when it is not a timestamp).
pub(crate) fn parse_timestamp(s: &str) -> Option<GoTime> {
    let b = s.as_bytes();
    // Quick check: all formats start with exactly four digits and a dash.
    let i = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if i != 4 || b.get(4) != Some(&b'-') {
        return None;
    }
    [Some(Sep::UpperT), Some(Sep::LowerT), Some(Sep::Space), None]
        .into_iter()
        .find_map(|sep| parse_layout(b, sep))
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(s: &[u8]) -> Option<(i64, &[u8])> {
    let d0 = *s.first().filter(|c| c.is_ascii_digit())?;
    match s.get(1).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => Some((i64::from(d0 - b'0') * 10 + i64::from(d1 - b'0'), &s[2..])),
        None => Some((i64::from(d0 - b'0'), &s[1..])),
    }
}

/// Go's `atoi`: optional sign, then only digits.
fn atoi(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    Some(if neg { -n } else { n })
}

fn literal(s: &[u8], c: u8) -> Option<&[u8]> {
    (s.first() == Some(&c)).then(|| &s[1..])
}

fn parse_layout(s: &[u8], sep: Option<Sep>) -> Option<GoTime> {
    let year = atoi(&s[..4])?;
    let s = literal(&s[4..], b'-')?;
    let (month, s) = getnum(s)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let s = literal(s, b'-')?;
    let (day, s) = getnum(s)?;
    let mut t = GoTime {
        year,
        month,
        day,
        hour: 0,
        min: 0,
        sec: 0,
        nsec: 0,
        offset: None,
    };
    let rest = match sep {
        None => s,
        Some(sep) => {
            let s = match sep {
                Sep::UpperT => literal(s, b'T')?,
                Sep::LowerT => literal(s, b't')?,
                Sep::Space => {
                    // A layout space matches one or more spaces.
                    if s.first().is_some_and(|&c| c != b' ') {
                        return None;
                    }
                    let n = s.iter().take_while(|&&c| c == b' ').count();
                    &s[n..]
                }
            };
            let (hour, s) = getnum(s)?;
            if hour >= 24 {
                return None;
            }
            let s = literal(s, b':')?;
            let (min, s) = getnum(s)?;
            if min >= 60 {
                return None;
            }
            let s = literal(s, b':')?;
            let (sec, mut s) = getnum(s)?;
            if sec >= 60 {
                return None;
            }
            // Optional fraction: '.' or ',' then at most nine digits.
            if s.len() >= 2 && (s[0] == b'.' || s[0] == b',') && s[1].is_ascii_digit() {
                let n = s[1..]
                    .iter()
                    .take(9)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let mut nsec = atoi(&s[1..=n])?;
                for _ in n..9 {
                    nsec *= 10;
                }
                t.nsec = nsec;
                s = &s[1 + n..];
            }
            t.hour = hour;
            t.min = min;
            t.sec = sec;
            if sep != Sep::Space {
                if let Some(rest) = literal(s, b'Z') {
                    s = rest;
                } else {
                    if s.len() < 6 || s[3] != b':' {
                        return None;
                    }
                    let hr = atoi(&s[1..3])?;
                    let mm = atoi(&s[4..6])?;
                    let off = (hr * 60 + mm) * 60;
                    t.offset = Some(match s[0] {
                        b'+' => off,
                        b'-' => -off,
                        _ => return None,
                    });
                    s = &s[6..];
                }
            }
            s
        }
    };
    if !rest.is_empty() || t.day < 1 || t.day > days_in(t.month, t.year) {
        return None;
    }
    Some(t)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl GoTime {
    /// The string `json.Marshal` writes for this `time.Time` (RFC 3339 with nanoseconds).
    pub(crate) fn to_rfc3339_nano(self) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.min, self.sec
        );
        if self.nsec > 0 {
            let frac = format!("{:09}", self.nsec);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        match self.offset {
            None | Some(0) => out.push('Z'),
            Some(off) => {
                let zone = off / 60;
                out.push(if zone < 0 { '-' } else { '+' });
                let zone = zone.abs();
                out.push_str(&format!("{:02}:{:02}", zone / 60, zone % 60));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> Option<String> {
        parse_timestamp(s).map(GoTime::to_rfc3339_nano)
    }

    #[test]
    fn recognises_the_four_layouts() {
        assert_eq!(fmt("2001-12-14").as_deref(), Some("2001-12-14T00:00:00Z"));
        assert_eq!(
            fmt("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            fmt("2023-1-5t1:2:3+05:30").as_deref(),
            Some("2023-01-05T01:02:03+05:30")
        );
        assert_eq!(
            fmt("2023-01-05T10:00:00-00:00").as_deref(),
            Some("2023-01-05T10:00:00Z")
        );
        assert_eq!(
            fmt("2023-01-05  10:00:00").as_deref(),
            Some("2023-01-05T10:00:00Z")
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        for s in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-32",
            "2023-01-05T10:00:00.1234567891Z",
            "2023-01-05T24:00:00Z",
            "2023-01-05T10:00:00",
            "20231-01-01",
            "3.3.13",
            "2023-01-05 ",
        ] {
            assert_eq!(fmt(s), None, "{s}");
        }
        assert!(fmt("2024-02-29").is_some());
    }
}
