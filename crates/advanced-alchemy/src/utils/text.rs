//! Text helpers: [`slugify`], the function behind the `SlugKey` mixin.
//!
//! The rules follow `advanced_alchemy.utils.text.slugify` in the Python library:
//! lowercase, ASCII, words joined by `-`, underscores kept, leading and trailing `-`/`_`
//! trimmed. Where Python drops characters it cannot fold to ASCII, this version
//! transliterates them with [`deunicode`] (`"Crème Brûlée!"` → `"creme-brulee"`,
//! `"日本"` → `"ri-ben"`), so fewer inputs come out empty.

use std::fmt;

/// Turns `value` into a URL-friendly slug: lowercase ASCII letters, digits, `_` and `-`.
///
/// Non-ASCII text is transliterated; other punctuation is dropped; runs of spaces and
/// dashes become one `-`.
///
/// **Input with nothing to keep.** A non-empty input that has no letter or digit at all
/// (`"!!!"`, `"---"`) does not come out empty: it becomes `"x-"` followed by 16 hex digits
/// of a fixed 64-bit FNV-1a hash of the input. The result is deterministic (the same
/// input gives the same slug in every process and version), so it stays usable as a
/// unique key, and distinct inputs give distinct slugs. Call [`try_slugify`] to get an
/// error instead. Only the empty string gives the empty slug.
///
/// ```
/// use advanced_alchemy::utils::text::slugify;
///
/// assert_eq!(slugify("Crème Brûlée!"), "creme-brulee");
/// assert_eq!(slugify("  Hello,   World -- 2024 "), "hello-world-2024");
/// assert_eq!(slugify("snake_case stays"), "snake_case-stays");
/// assert_eq!(slugify("日本"), "ri-ben");
/// assert_eq!(slugify("!!!"), slugify("!!!"));
/// assert!(slugify("!!!").starts_with("x-"));
/// assert_ne!(slugify("!!!"), slugify("???"));
/// assert_eq!(slugify(""), "");
/// ```
pub fn slugify(value: &str) -> String {
    slugify_with(value, '-')
}

/// [`slugify`] with another word separator (Python's `separator=` argument).
///
/// ```
/// use advanced_alchemy::utils::text::slugify_with;
/// assert_eq!(slugify_with("Crème Brûlée", '_'), "creme_brulee");
/// ```
pub fn slugify_with(value: &str, separator: char) -> String {
    match try_slugify_with(value, separator) {
        Ok(slug) => slug,
        Err(EmptySlug) => format!("x{separator}{:016x}", fnv1a(value.as_bytes())),
    }
}

/// Like [`slugify`], but a non-empty input with nothing to keep is an error.
///
/// ```
/// use advanced_alchemy::utils::text::{try_slugify, EmptySlug};
/// assert_eq!(try_slugify("Rust & SeaORM").unwrap(), "rust-seaorm");
/// assert_eq!(try_slugify("!!!"), Err(EmptySlug));
/// assert_eq!(try_slugify("").unwrap(), "");
/// ```
pub fn try_slugify(value: &str) -> Result<String, EmptySlug> {
    try_slugify_with(value, '-')
}

fn try_slugify_with(value: &str, separator: char) -> Result<String, EmptySlug> {
    let ascii = deunicode::deunicode(value);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_gap = false;
    for ch in ascii.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            if pending_gap && !out.is_empty() {
                out.push(separator);
            }
            pending_gap = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch.is_whitespace() || ch == '-' {
            pending_gap = true;
        }
        // any other punctuation is dropped without breaking the word
    }
    let trimmed = out.trim_matches(|c| c == '_' || c == separator);
    if trimmed.is_empty() && !value.is_empty() {
        return Err(EmptySlug);
    }
    Ok(trimmed.to_owned())
}

/// The input of [`try_slugify`] had no letter or digit to build a slug from.
///
/// ```
/// use advanced_alchemy::utils::text::EmptySlug;
/// assert_eq!(EmptySlug.to_string(), "the text has no letters or digits to build a slug from");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptySlug;

impl fmt::Display for EmptySlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the text has no letters or digits to build a slug from")
    }
}

impl std::error::Error for EmptySlug {}

/// 64-bit FNV-1a: tiny, fixed forever, good enough to tell short strings apart.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_compatible_cases() {
        // Cases checked against advanced_alchemy.utils.text.slugify 1.x.
        assert_eq!(slugify("Hello World"), "hello-world");
        assert_eq!(slugify("Hello   World!"), "hello-world");
        assert_eq!(slugify("-Leading and trailing-"), "leading-and-trailing");
        assert_eq!(slugify("_under_"), "under");
        assert_eq!(slugify("it's"), "its");
        assert_eq!(slugify("a--b"), "a-b");
    }

    #[test]
    fn fallback_is_stable() {
        assert_eq!(slugify("!!!"), format!("x-{:016x}", fnv1a(b"!!!")));
        assert_eq!(slugify_with("!!!", '_').len(), 18);
    }
}
