//! Numbers as Go's yaml encoders print a `float64`: `strconv.FormatFloat(f, 'g', -1, 64)`
//! (shortest round-trip digits; exponent form `1e+06` when the decimal exponent is < -4 or
//! >= 6), with `.inf`, `-.inf` and `.nan` for the special values.

use std::fmt::Write as _;

/// The `float64` Go would hold after `json.Unmarshal` of this JSON number.
pub(crate) fn number_to_f64(n: &serde_json::Number) -> f64 {
    // Integers convert with round-to-nearest-even, which is what Go's correctly rounded decimal
    // parser yields for the same digits.
    n.as_f64().unwrap_or(0.0)
}

/// A small fixed buffer for `{:e}` output (at most 17 digits, a dot and a 4-character
/// exponent), so formatting a number does not allocate.
#[derive(Default)]
struct StackBuf {
    bytes: [u8; 32],
    len: usize,
}

impl StackBuf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("0e0")
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Append `f` formatted like yaml.v2/v3 `floatv` to `out`.
pub(crate) fn write_go_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str(".nan");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { ".inf" } else { "-.inf" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let f = f.abs();
    if f == 0.0 {
        out.push('0');
        return;
    }
    if f < 1e6 && f.fract() == 0.0 {
        // The common case (ports, replicas, sizes): an integer below the exponent threshold
        // prints as its digits.
        let _ = write!(out, "{}", f as u64);
        return;
    }
    // Rust's `{:e}` prints the same shortest round-trip digits Go computes: `d.ddddde<exp>`.
    let mut buf = StackBuf::default();
    let _ = write!(buf, "{f:e}");
    let text = buf.as_str();
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits = [0u8; 24];
    let mut nd = 0;
    for d in mantissa.bytes().filter(u8::is_ascii_digit) {
        digits[nd] = d;
        nd += 1;
    }
    let digits = &digits[..nd];
    let nd = nd as i32;
    if !(-4..6).contains(&exp) {
        // %e with all the digits: d[.ddd]e±XX (at least two exponent digits).
        out.push(char::from(digits[0]));
        if nd > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&d| char::from(d)));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        let _ = write!(out, "{e}");
        return;
    }
    // %f with exactly the digits needed: dp is the position of the decimal point.
    let dp = exp + 1;
    if dp > 0 {
        for i in 0..dp {
            out.push(if i < nd {
                char::from(digits[i as usize])
            } else {
                '0'
            });
        }
    } else {
        out.push('0');
    }
    let decimals = (nd - dp).max(0);
    if decimals > 0 {
        out.push('.');
        for i in 0..decimals {
            let idx = dp + i;
            out.push(if (0..nd).contains(&idx) {
                char::from(digits[idx as usize])
            } else {
                '0'
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(f: f64) -> String {
        let mut s = String::new();
        write_go_float(&mut s, f);
        s
    }

    #[test]
    fn like_go_strconv_g_shortest() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (3.0, "3"),
            (0.5, "0.5"),
            (47.0, "47"),
            (123456.0, "123456"),
            (999999.0, "999999"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (100000.0, "100000"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (-2.5, "-2.5"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (f64::INFINITY, ".inf"),
            (f64::NEG_INFINITY, "-.inf"),
            (f64::NAN, ".nan"),
        ];
        for &(f, want) in cases {
            assert_eq!(fmt(f), want, "{f:?}");
        }
    }
}
