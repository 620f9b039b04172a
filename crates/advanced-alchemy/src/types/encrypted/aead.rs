//! The AEAD backend: XChaCha20-Poly1305 with a random 24-byte nonce per value.
//!
//! A token is `v1.<key id>.<payload>`: `key id` is 8 hex digits naming the key (the
//! first 4 bytes of SHA-256 over a domain label and the key; it reveals nothing usable
//! about a 256-bit key), `payload` is unpadded URL-safe base64 of `nonce || ciphertext ||
//! tag`. The header `v1.<key id>` is authenticated as associated data, so neither the
//! version nor the key id can be changed without the tag failing. The version leaves
//! room for other formats later; the key id lets a rotated [`Keyring`](super::Keyring)
//! pick the right key without trying them all.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;
const HKDF_SALT: &[u8] = b"advanced-alchemy";
const HKDF_INFO: &[u8] = b"advanced-alchemy encrypted column v1 xchacha20poly1305";

/// One XChaCha20-Poly1305 key and its id.
#[derive(Clone)]
pub(super) struct AeadKey {
    cipher: XChaCha20Poly1305,
    id: String,
}

impl AeadKey {
    pub(super) fn new(key: [u8; 32]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"advanced-alchemy key id\0");
        hasher.update(key);
        let digest = hasher.finalize();
        let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        Self {
            cipher: XChaCha20Poly1305::new(&Key::from(key)),
            id,
        }
    }

    /// HKDF-SHA256 (fixed salt and info) from a high-entropy secret.
    pub(super) fn from_secret(secret: &[u8]) -> Self {
        let mut key = [0u8; 32];
        Hkdf::<Sha256>::new(Some(HKDF_SALT), secret)
            .expand(HKDF_INFO, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let this = Self::new(key);
        zeroize::Zeroize::zeroize(&mut key);
        this
    }

    pub(super) fn id(&self) -> &str {
        &self.id
    }

    pub(super) fn encrypt(&self, plaintext: &[u8]) -> String {
        let header = format!("{VERSION}.{}", self.id);
        let nonce = XNonce::generate();
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: header.as_bytes(),
                },
            )
            // Only fails for messages beyond XChaCha20's 256 GiB limit.
            .expect("a column value is far below the XChaCha20-Poly1305 message limit");
        let mut payload = Vec::with_capacity(NONCE_LEN + sealed.len());
        payload.extend_from_slice(&nonce);
        payload.extend_from_slice(&sealed);
        format!("{header}.{}", URL_SAFE_NO_PAD.encode(payload))
    }

    /// `None` unless `token` is a well-formed token under this key and authenticates.
    pub(super) fn decrypt(&self, token: &str) -> Option<Vec<u8>> {
        let parsed = Token::parse(token)?;
        if parsed.key_id != self.id {
            return None;
        }
        let payload = URL_SAFE_NO_PAD.decode(parsed.payload).ok()?;
        if payload.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = payload.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).ok()?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: sealed,
                    aad: parsed.header.as_bytes(),
                },
            )
            .ok()
    }
}

/// The parts of a `v1.<key id>.<payload>` token.
pub(super) struct Token<'a> {
    header: &'a str,
    pub(super) key_id: &'a str,
    payload: &'a str,
}

impl<'a> Token<'a> {
    pub(super) fn parse(token: &'a str) -> Option<Self> {
        let (header, payload) = token.rsplit_once('.')?;
        let (version, key_id) = header.split_once('.')?;
        (version == VERSION).then_some(Self {
            header,
            key_id,
            payload,
        })
    }
}
