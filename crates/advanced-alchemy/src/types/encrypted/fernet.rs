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

/// Whether `token` can only be an AEAD token (Fernet tokens never contain a `.`).
pub(super) fn is_fernet_token(token: &str) -> bool {
    !token.contains('.')
}
