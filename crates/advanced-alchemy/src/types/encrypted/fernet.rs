//! The Fernet backend, as Python's Advanced Alchemy (`FernetBackend`) uses it.
//!
//! A passphrase becomes a Fernet key as `urlsafe_b64encode(sha256(passphrase))`; tokens
//! are the Fernet token text (version byte `0x80`, timestamp, IV, AES-128-CBC ciphertext,
//! HMAC-SHA256; URL-safe base64 with padding). The cipher itself is the `fernet` crate,
//! built on RustCrypto (no OpenSSL); its MAC check is constant-time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use sha2::{Digest, Sha256};

/// The Fernet key Advanced Alchemy derives from a passphrase.
pub(super) fn from_passphrase(passphrase: &[u8]) -> fernet::Fernet {
    let key = URL_SAFE.encode(Sha256::digest(passphrase));
    // A SHA-256 digest is always the 32 bytes a Fernet key is made of.
    fernet::Fernet::new(&key).expect("a SHA-256 digest is a valid Fernet key")
}

/// A Fernet key given as its URL-safe base64 text (what Python's `Fernet(key)` takes).
pub(super) fn from_base64(key: &str) -> Option<fernet::Fernet> {
    fernet::Fernet::new(key.trim())
}

/// Decrypts `token`, with no clock check: Python's `Fernet.decrypt(token)` without a
/// `ttl` ignores the timestamp, so a value written by a host whose clock runs ahead must
/// read here too (the `fernet` crate otherwise rejects timestamps over 60 s ahead).
pub(super) fn decrypt(key: &fernet::Fernet, token: &str) -> Option<Vec<u8>> {
    // No ttl, and a "now" so late that no real timestamp is in the future; the crate
    // adds its 60 s skew allowance to it, hence the margin against overflow.
    key.decrypt_at_time(token, None, u64::MAX - 3_600).ok()
}

/// Whether `token` can only be an AEAD token (Fernet tokens never contain a `.`).
pub(super) fn is_fernet_token(token: &str) -> bool {
    !token.contains('.')
}
