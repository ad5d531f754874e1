//! The "natural" mapping-key order of Go's yaml.v2 / yaml.v3 encoders.
//!
//! Both libraries sort the keys of a map before writing it. For string keys the order compares
//! code points one by one until they differ; at the first difference letters sort after
//! non-letters, two letters compare by code point, and otherwise the runs of decimal digits
//! starting there compare as numbers (`a9 < a10`). A few quirks are reproduced on purpose:
//! digit runs are summed in wrapping 64-bit arithmetic, non-ASCII digits count with their raw
//! code point offset from `'0'`, a `'0'` after a run of digits containing a non-zero digit
//! compares the runs with a leading `1`, and (yaml.v3 only) right after an equal digit a letter
//! sorts *before* a non-letter.

use super::unicode_tables::{DIGIT, LETTER};

/// Go's `unicode.IsLetter`.
fn is_letter(c: u32) -> bool {
    if c < 0x80 {
        return (c | 0x20).wrapping_sub(u32::from(b'a')) < 26;
    }
    in_table(LETTER, c)
}

/// Go's `unicode.IsDigit`.
fn is_digit(c: u32) -> bool {
    if c < 0x80 {
        return c.wrapping_sub(u32::from(b'0')) < 10;
    }
    in_table(DIGIT, c)
}

fn in_table(table: &[(u32, u32)], c: u32) -> bool {
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether key `a` sorts before key `b` (yaml.v2 rules, or yaml.v3 rules when `v3`).
pub(crate) fn key_less(a: &str, b: &str, v3: bool) -> bool {
    if a.is_ascii() && b.is_ascii() {
        less_by(a.as_bytes(), b.as_bytes(), |&c| u32::from(c), v3)
    } else {
        let ar: Vec<u32> = a.chars().map(u32::from).collect();
        let br: Vec<u32> = b.chars().map(u32::from).collect();
        less_by(&ar, &br, |&c| c, v3)
    }
}

fn less_by<T>(ar: &[T], br: &[T], code: impl Fn(&T) -> u32, v3: bool) -> bool {
    let zero = u32::from(b'0');
    let mut digits = false;
    for i in 0..ar.len().min(br.len()) {
        let (a, b) = (code(&ar[i]), code(&br[i]));
        if a == b {
            digits = is_digit(a);
            continue;
        }
        let (al, bl) = (is_letter(a), is_letter(b));
        if al && bl {
            return a < b;
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if a == zero || b == zero {
            for j in (0..i).rev() {
                let c = code(&ar[j]);
                if !is_digit(c) {
                    break;
                }
                if c != zero {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let run = |s: &[T], mut n: i64| {
            let mut k = i;
            while k < s.len() && is_digit(code(&s[k])) {
                n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(code(&s[k])) - i64::from(zero));
                k += 1;
            }
            (n, k)
        };
        let (an, ai) = run(ar, an);
        let (bn, bi) = run(br, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return a < b;
    }
    ar.len() < br.len()
}

/// Sort map entries by key in place (stable merge sort: never panics, whatever the order).
pub(crate) fn sort_entries<V>(entries: &mut Vec<(&str, V)>, v3: bool) {
    if entries.len() < 2 {
        return;
    }
    if entries.len() <= 8 {
        // Insertion sort: maps in Kubernetes objects are mostly tiny.
        for i in 1..entries.len() {
            let mut j = i;
            while j > 0 && key_less(entries[j].0, entries[j - 1].0, v3) {
                entries.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = entries.len() / 2;
    let mut right = entries.split_off(mid);
    sort_entries(entries, v3);
    sort_entries(&mut right, v3);
    let left = std::mem::take(entries);
    entries.reserve(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => key_less(b.0, a.0, v3),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        entries.extend(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[&str], v3: bool) -> Vec<String> {
        let mut e: Vec<(&str, ())> = keys.iter().map(|k| (*k, ())).collect();
        sort_entries(&mut e, v3);
        e.into_iter().map(|(k, _)| k.to_string()).collect()
    }

    #[test]
    fn digits_compare_numerically() {
        assert_eq!(
            sorted(&["a10", "a9", "a1", "b", "A", "_x", "-1"], false),
            ["-1", "_x", "A", "a1", "a9", "a10", "b"]
        );
    }

    #[test]
    fn prefix_sorts_first_and_zero_quirk() {
        assert_eq!(sorted(&["a01", "a1", "a"], false), ["a", "a1", "a01"]);
        assert_eq!(sorted(&["10", "1-", "1"], false), ["1", "1-", "10"]);
    }

    #[test]
    fn v3_letter_after_digit_sorts_first() {
        assert_eq!(sorted(&["1-", "1a"], false), ["1-", "1a"]);
        assert_eq!(sorted(&["1-", "1a"], true), ["1a", "1-"]);
    }

    #[test]
    fn unicode_classes_follow_go() {
        assert!(is_letter('é' as u32));
        assert!(!is_letter('\u{301}' as u32)); // combining mark: alphabetic in Rust, not a letter in Go
        assert!(is_digit('٣' as u32));
        assert!(!is_digit('²' as u32));
    }

    #[test]
    fn merge_sort_matches_insertion_sort() {
        let keys: Vec<String> = (0..40).map(|i| format!("k{}", (i * 7919) % 101)).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let got = sorted(&refs, false);
        for w in got.windows(2) {
            assert!(!key_less(&w[1], &w[0], false), "{} before {}", w[0], w[1]);
        }
    }
}
