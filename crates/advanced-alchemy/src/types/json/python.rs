//! Python's `json.dumps` text: [`to_python_json`] and the serde_json formatter behind it.

use crate::error::Error;
use serde::Serialize;
use std::io;

/// Serialises `value` to the JSON text Python's `json.dumps(value)` produces with its
/// default arguments, which is what SQLAlchemy's `JSON` type (and so Python's `JsonB`)
/// writes unless the engine is given another `json_serializer`:
///
/// * `", "` between items and `": "` between a key and its value, no newlines;
/// * `ensure_ascii`: every character outside printable ASCII as `\uXXXX` with lowercase
///   hex, characters beyond the Basic Multilingual Plane as a surrogate pair
///   (`"😀"` → `"\ud83d\ude00"`), DEL as `\u007f`; `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
///   `\t` as short escapes;
/// * floats as Python's `repr`: the shortest digits that read back to the same number,
///   always with a `.0` or an exponent (`1.0`, `0.0001`, `1e-05`, `1e+16`,
///   `1.5e+300`); an `f32` with the shortest digits of the `f32`;
/// * fields and map entries in the order serde gives them (struct declaration order;
///   sorted for `BTreeMap` and `serde_json::Value` objects). Python keeps a dict's
///   insertion order.
///
/// Differences: non-finite floats are written as `null` (Python writes `NaN` and
/// `Infinity`, which are not JSON and which PostgreSQL refuses), and a
/// `serde_json::value::RawValue` inside the value is copied as it is.
///
/// Note that Python's Advanced Alchemy *configs* (`SQLAlchemyAsyncConfig` and friends)
/// pass the engine their own serializer, which uses msgspec or orjson when installed
/// (compact `{"a":1}`, UTF-8 unescaped) and falls back to `json.dumps`. Either side reads
/// the other's text; only the stored bytes differ.
///
/// [`Error::InvalidRequest`] when `value`'s `Serialize` fails.
///
/// ```
/// use advanced_alchemy::types::to_python_json;
/// use serde_json::json;
///
/// // python3 -c 'import json; print(json.dumps({"a": 1, "b": [1, 2], "c": "é"}))'
/// assert_eq!(
///     to_python_json(&json!({"a": 1, "b": [1, 2], "c": "é"}))?,
///     r#"{"a": 1, "b": [1, 2], "c": "\u00e9"}"#
/// );
/// assert_eq!(to_python_json(&[1.0, 1e16, 0.1 + 0.2])?, "[1.0, 1e+16, 0.30000000000000004]");
/// assert_eq!(to_python_json("😀")?, r#""\ud83d\ude00""#);
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> crate::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut serializer).map_err(|e| {
        Error::InvalidRequest(format!(
            "cannot serialize {} as JSON: {e}",
            std::any::type_name::<T>()
        ))
    })?;
    // the formatter writes ASCII only, and serde_json writes valid UTF-8 anyway
    String::from_utf8(out).map_err(|e| {
        Error::InvalidRequest(format!(
            "cannot serialize {} as JSON: not UTF-8: {e}",
            std::any::type_name::<T>()
        ))
    })
}

/// The layout of Python's `json.dumps` with default arguments.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        let abs = value.abs();
        let digits = ShortestDigits::of(
            &format!("{abs:e}"),
            |text| text.parse::<f32>().ok() == Some(abs),
            // an f32 has at most 112 significant decimal digits
            || format!("{abs:.120e}"),
        );
        writer.write_all(digits.python_repr(value.is_sign_negative()).as_bytes())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        let abs = value.abs();
        let digits = ShortestDigits::of(
            &format!("{abs:e}"),
            |text| text.parse::<f64>().ok() == Some(abs),
            // an f64 has at most 767 significant decimal digits
            || format!("{abs:.780e}"),
        );
        writer.write_all(digits.python_repr(value.is_sign_negative()).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already escaped `"`, `\` and the control characters below 0x20
        // (as Python does); the rest of what Python escapes is DEL and non-ASCII
        let mut plain = 0;
        for (at, ch) in fragment.char_indices() {
            if (' '..='~').contains(&ch) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain..at])?;
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            plain = at + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain..])
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// The shortest decimal digits that read back as a finite float, and the decimal
/// exponent of the first: `1.5e300` is `("15", 300)`.
struct ShortestDigits {
    digits: String,
    exponent: i32,
}

impl ShortestDigits {
    /// From Rust's shortest round-trip form of the absolute value (`{:e}`: `1.5e300`,
    /// `1e-5`, `0e0`), made to agree with Python's (David Gay's) choice: both take the
    /// candidate closest to the exact value, but when the exact value lies exactly
    /// halfway between two shortest candidates (`1160860571890804.25` to 16 digits),
    /// Rust takes the upper one and Python the even one. `round_trips` tells whether a
    /// text reads back as the value; `exact` is the value's full decimal expansion in
    /// scientific form.
    fn of(
        scientific: &str,
        round_trips: impl Fn(&str) -> bool,
        exact: impl FnOnce() -> String,
    ) -> Self {
        let (digits, exponent) = split_scientific(scientific);
        let mut shortest = Self { digits, exponent };
        if let Some(lower) = shortest.even_neighbour_below()
            && round_trips(&format!("{lower}e{exponent}", lower = with_point(&lower)))
        {
            let (exact_digits, exact_exponent) = split_scientific(&exact());
            let halfway = exact_exponent == exponent
                && exact_digits
                    .strip_prefix(lower.as_str())
                    .is_some_and(|rest| {
                        rest.strip_prefix('5')
                            .is_some_and(|zeros| zeros.bytes().all(|b| b == b'0'))
                    });
            if halfway {
                shortest.digits = lower;
            }
        }
        shortest
    }

    /// The same digits with the last one lowered by one, when the last is odd (so the
    /// lower candidate of a tie is the even one) and the result keeps its length.
    fn even_neighbour_below(&self) -> Option<String> {
        let last = *self.digits.as_bytes().last()?;
        if last % 2 == 0 || (self.digits.len() == 1 && last == b'1') {
            return None;
        }
        let mut lower = self.digits[..self.digits.len() - 1].to_owned();
        lower.push(char::from(last - 1));
        Some(lower)
    }

    /// Python's `repr`: positional when the exponent `e` is in `-4 <= e < 16` (with `.0`
    /// when there is no fraction), otherwise `d.ddde±XX` with at least two exponent
    /// digits (`float_repr_style = 'short'`).
    fn python_repr(&self, negative: bool) -> String {
        let Self { digits, exponent } = self;
        let exponent = *exponent;
        let mut out = String::with_capacity(digits.len() + 8);
        if negative {
            out.push('-');
        }
        if (-4..16).contains(&exponent) {
            if exponent >= 0 {
                let int_len = exponent.unsigned_abs() as usize + 1;
                if digits.len() > int_len {
                    out.push_str(&digits[..int_len]);
                    out.push('.');
                    out.push_str(&digits[int_len..]);
                } else {
                    out.push_str(digits);
                    out.extend(std::iter::repeat_n('0', int_len - digits.len()));
                    out.push_str(".0");
                }
            } else {
                out.push_str("0.");
                out.extend(std::iter::repeat_n(
                    '0',
                    exponent.unsigned_abs() as usize - 1,
                ));
                out.push_str(digits);
            }
        } else {
            out.push_str(&with_point(digits));
            out.push_str(&format!(
                "e{}{:02}",
                if exponent < 0 { '-' } else { '+' },
                exponent.unsigned_abs()
            ));
        }
        out
    }
}

/// `"15e300"`-style text of Rust's `{:e}` as its digits (no point, trailing zeros of an
/// exact expansion kept) and exponent.
fn split_scientific(scientific: &str) -> (String, i32) {
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// `"15"` → `"1.5"`, `"1"` → `"1"`.
fn with_point(digits: &str) -> String {
    match digits.len() {
        0 | 1 => digits.to_owned(),
        _ => format!("{}.{}", &digits[..1], &digits[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Expected strings are the output of `python3 -c 'import json; print(json.dumps(…))'`
    /// (CPython 3.11).
    #[test]
    fn python_layout_and_escapes() {
        let cases = [
            (
                json!({"a": 1, "b": [1, 2], "c": "é"}),
                r#"{"a": 1, "b": [1, 2], "c": "\u00e9"}"#,
            ),
            (json!([]), "[]"),
            (json!({}), "{}"),
            (json!([[], {}, [{}]]), "[[], {}, [{}]]"),
            (json!(null), "null"),
            (json!(true), "true"),
            (json!(""), r#""""#),
            (json!("😀 and ñ"), r#""\ud83d\ude00 and \u00f1""#),
            (
                json!("quote \" backslash \\ slash /"),
                r#""quote \" backslash \\ slash /""#,
            ),
            (
                json!("\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}\u{80}\u{ffff}"),
                r#""\u0000\u0001\b\t\n\f\r\u001f\u007f\u0080\uffff""#,
            ),
            (
                json!({"k\u{e9}y": {"nested": [1, "x", null, false]}}),
                r#"{"k\u00e9y": {"nested": [1, "x", null, false]}}"#,
            ),
            (json!(-9223372036854775808i64), "-9223372036854775808"),
            (json!(18446744073709551615u64), "18446744073709551615"),
        ];
        for (value, python) in cases {
            assert_eq!(
                to_python_json(&value).expect("serialize"),
                python,
                "{value:?}"
            );
        }
    }

    /// `python3 -c 'import json; print(json.dumps([…]))'` for each float.
    #[test]
    #[allow(clippy::excessive_precision)] // the ties below are exact binary values
    fn floats_as_python_repr() {
        let cases: [(f64, &str); 28] = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1e-4, "0.0001"),
            (1.5e-4, "0.00015"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.0, "1234567890123456.0"),
            (1e16, "1e+16"),
            (1.2345e16, "1.2345e+16"),
            (1e100, "1e+100"),
            (-1e100, "-1e+100"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (9007199254740993.0, "9007199254740992.0"),
            (100.0, "100.0"),
            (0.5e-3, "0.0005"),
            (std::f64::consts::PI, "3.141592653589793"),
            // exactly halfway between two shortest candidates: Python takes the even one
            (1160860571890804.25, "1160860571890804.2"),
            (-846140421278.15625, "-846140421278.1562"),
            (272645254916429.125, "272645254916429.12"),
            (0.375, "0.375"),
        ];
        for (value, python) in cases {
            assert_eq!(
                to_python_json(&value).expect("serialize"),
                python,
                "{value:e}"
            );
        }
        // f32: the shortest digits of the f32, laid out the same way
        assert_eq!(to_python_json(&0.1f32).expect("f32"), "0.1");
        assert_eq!(to_python_json(&1e20f32).expect("f32"), "1e+20");
        // map keys that are floats are strings of the same text, as in Python
        let keys = std::collections::BTreeMap::from([(1i32, 1.0f64)]);
        assert_eq!(to_python_json(&keys).expect("map"), r#"{"1": 1.0}"#);
        // not JSON in Python either way; written as null here
        assert_eq!(to_python_json(&f64::NAN).expect("nan"), "null");
    }
}
