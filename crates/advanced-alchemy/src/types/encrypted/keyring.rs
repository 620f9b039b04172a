//! [`Keyring`]: the key that encrypts, and the older keys that still decrypt.

use super::EncryptionError;
use super::aead::{AeadKey, Token};
use super::fernet;
use super::pgcrypto::{self, Message, PgcryptoKey};

/// The keys of an encrypted column: the current key, which encrypts every value written,
/// and older keys, which still decrypt values written before a rotation.
///
/// A key is a Fernet key (the default, compatible with Python's Advanced Alchemy
/// `FernetBackend`), an XChaCha20-Poly1305 key ([`aead`](Self::aead)) or a pgcrypto
/// passphrase ([`pgcrypto`](Self::pgcrypto), Python's `PGCryptoBackend`). Tokens say which
/// backend wrote them, so a keyring can also move a column from one backend to another:
/// the current key decides what is written, every key is tried (current first) to read.
///
/// ```
/// use advanced_alchemy::types::Keyring;
///
/// let old = Keyring::fernet("last year's passphrase");
/// let token = old.encrypt("secret");
///
/// let keyring = Keyring::fernet("this year's passphrase").with_old_keys(old);
/// assert_eq!(keyring.decrypt(&token)?, "secret"); // old values still read
/// let fresh = keyring.encrypt("secret"); // new values use the current key
/// assert!(Keyring::fernet("last year's passphrase").decrypt(&fresh).is_err());
/// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
/// ```
#[derive(Clone)]
pub struct Keyring {
    /// `keys[0]` is the current key; never empty.
    keys: Vec<Key>,
}

#[derive(Clone)]
enum Key {
    Fernet(Box<::fernet::Fernet>),
    Aead(AeadKey),
    Pgcrypto(PgcryptoKey),
}

impl Key {
    fn backend(&self) -> &'static str {
        match self {
            Key::Fernet(_) => "fernet",
            Key::Aead(_) => "xchacha20poly1305",
            Key::Pgcrypto(_) => "pgcrypto",
        }
    }
}

impl std::fmt::Debug for Keyring {
    /// Names the backends, never the keys.
    ///
    /// ```
    /// let keyring = advanced_alchemy::types::Keyring::fernet("k");
    /// assert_eq!(format!("{keyring:?}"), r#"Keyring { current: "fernet", old_keys: 0 }"#);
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.keys[0].backend())
            .field("old_keys", &(self.keys.len() - 1))
            .finish()
    }
}

impl Keyring {
    fn one(key: Key) -> Self {
        Self { keys: vec![key] }
    }

    /// A Fernet keyring derived from a passphrase exactly as Python's Advanced Alchemy
    /// does (`urlsafe_b64encode(sha256(passphrase))`; a `str` key is its UTF-8 bytes), so
    /// both read and write the same columns.
    ///
    /// A single SHA-256 is not a password hash: use a long random secret, not a word.
    ///
    /// ```
    /// let keyring = advanced_alchemy::types::Keyring::fernet("a long random secret");
    /// let token = keyring.encrypt("hello");
    /// assert!(token.starts_with("gAAAAA")); // a Fernet token
    /// assert_eq!(keyring.decrypt(&token)?, "hello");
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn fernet(passphrase: impl AsRef<[u8]>) -> Self {
        Self::one(Key::Fernet(Box::new(fernet::from_passphrase(
            passphrase.as_ref(),
        ))))
    }

    /// A Fernet keyring from a Fernet key itself (32 bytes, URL-safe base64: what
    /// Python's `cryptography.fernet.Fernet(key)` takes), for columns written by other
    /// Fernet users.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// let keyring = Keyring::fernet_key("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")?;
    /// assert_eq!(keyring.decrypt(&keyring.encrypt("x"))?, "x");
    /// assert!(Keyring::fernet_key("too short").is_err());
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn fernet_key(key: &str) -> Result<Self, EncryptionError> {
        fernet::from_base64(key)
            .map(|k| Self::one(Key::Fernet(Box::new(k))))
            .ok_or_else(|| {
                EncryptionError::InvalidKey(
                    "a Fernet key is 32 bytes in URL-safe base64".to_owned(),
                )
            })
    }

    /// A Fernet keyring whose passphrase ([`fernet`](Self::fernet)) is the value of the
    /// environment variable `var`; an error if it is unset, not UTF-8 or empty.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// assert!(Keyring::from_env("AA_DOCTEST_SURELY_UNSET_KEY").is_err());
    /// ```
    pub fn from_env(var: &str) -> Result<Self, EncryptionError> {
        match std::env::var(var) {
            Ok(value) if !value.is_empty() => Ok(Self::fernet(value)),
            Ok(_) => Err(EncryptionError::InvalidKey(format!(
                "environment variable {var} is empty"
            ))),
            Err(e) => Err(EncryptionError::InvalidKey(format!(
                "environment variable {var}: {e}"
            ))),
        }
    }

    /// An XChaCha20-Poly1305 keyring from a raw 256-bit key (the recommended way to key
    /// this backend: 32 random bytes from your secret store). Each value gets a random
    /// 24-byte nonce; the token is `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`.
    /// Python's Advanced Alchemy cannot read these tokens.
    ///
    /// ```
    /// let keyring = advanced_alchemy::types::Keyring::aead([7u8; 32]);
    /// let token = keyring.encrypt("hello");
    /// assert!(token.starts_with("v1."));
    /// assert_eq!(keyring.decrypt(&token)?, "hello");
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn aead(key: [u8; 32]) -> Self {
        Self::one(Key::Aead(AeadKey::new(key)))
    }

    /// An XChaCha20-Poly1305 keyring from a raw 256-bit key written in base64 (standard or
    /// URL-safe, padded or not), as a secret store or an environment variable holds it.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// // e.g. the output of `openssl rand -base64 32`
    /// let keyring = Keyring::aead_key("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=")?;
    /// assert_eq!(keyring.decrypt(&keyring.encrypt("x"))?, "x");
    /// assert!(Keyring::aead_key("c2hvcnQ=").is_err()); // 5 bytes
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn aead_key(key: &str) -> Result<Self, EncryptionError> {
        use base64::Engine;
        let normalized: String = key
            .trim()
            .trim_end_matches('=')
            .chars()
            .map(|c| match c {
                '+' => '-',
                '/' => '_',
                c => c,
            })
            .collect();
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(normalized)
            .unwrap_or_default();
        let key = <[u8; 32]>::try_from(bytes.as_slice()).ok();
        zeroize::Zeroize::zeroize(&mut bytes);
        match key {
            Some(mut key) => {
                let keyring = Self::aead(key);
                zeroize::Zeroize::zeroize(&mut key);
                Ok(keyring)
            }
            None => Err(EncryptionError::InvalidKey(
                "an XChaCha20-Poly1305 key is 32 bytes in base64".to_owned(),
            )),
        }
    }

    /// An XChaCha20-Poly1305 keyring whose key is derived from `secret` by HKDF-SHA256
    /// (fixed salt `advanced-alchemy`, fixed info naming this format). HKDF does not slow
    /// down guessing: `secret` must already be high-entropy (a random string from
    /// configuration), never a human password.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// let token = Keyring::aead_from_secret("s3cr3t-from-config").encrypt("x");
    /// assert_eq!(Keyring::aead_from_secret("s3cr3t-from-config").decrypt(&token)?, "x");
    /// assert!(Keyring::aead_from_secret("other").decrypt(&token).is_err());
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn aead_from_secret(secret: impl AsRef<[u8]>) -> Self {
        Self::one(Key::Aead(AeadKey::from_secret(secret.as_ref())))
    }

    /// A pgcrypto keyring keyed exactly as Python's Advanced Alchemy `PGCryptoBackend`:
    /// the passphrase is [`pgcrypto::passphrase(key)`](pgcrypto::passphrase), the URL-safe
    /// base64 of `key`. Values are ASCII-armored OpenPGP messages that PostgreSQL's
    /// `pgp_sym_decrypt(dearmor(column), passphrase)` decrypts, made and read on the client
    /// (so on any database); what PostgreSQL's `armor(pgp_sym_encrypt(…))` stores reads
    /// too. See [the pgcrypto module](pgcrypto) for the formats read.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// let keyring = Keyring::pgcrypto("the key Python was given");
    /// let token = keyring.encrypt("hello");
    /// assert!(token.starts_with("-----BEGIN PGP MESSAGE-----\n\n"));
    /// assert_eq!(keyring.decrypt(&token)?, "hello");
    /// assert!(Keyring::pgcrypto("another key").decrypt(&token).is_err());
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn pgcrypto(key: impl AsRef<[u8]>) -> Self {
        Self::pgcrypto_with_passphrase(pgcrypto::passphrase(key))
    }

    /// A pgcrypto keyring whose passphrase is `passphrase` as given, for values encrypted by
    /// SQL of your own (`pgp_sym_encrypt(value, 'passphrase')`) rather than by Python's
    /// backend.
    ///
    /// ```
    /// use advanced_alchemy::types::{Keyring, encrypted::pgcrypto};
    ///
    /// let token = Keyring::pgcrypto_with_passphrase("c2VjcmV0").encrypt("x");
    /// assert_eq!(Keyring::pgcrypto("secret").decrypt(&token)?, "x");
    /// assert_eq!(pgcrypto::passphrase("secret"), "c2VjcmV0");
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn pgcrypto_with_passphrase(passphrase: impl AsRef<[u8]>) -> Self {
        Self::one(Key::Pgcrypto(PgcryptoKey::from_passphrase(
            passphrase.as_ref(),
        )))
    }

    /// Adds every key of `older` (its current key first) as keys that decrypt but never
    /// encrypt: the step of a key rotation. `older` may use another backend.
    ///
    /// ```
    /// use advanced_alchemy::types::Keyring;
    ///
    /// let fernet_token = Keyring::fernet("old").encrypt("x");
    /// let keyring = Keyring::aead([1; 32]).with_old_keys(Keyring::fernet("old"));
    /// assert_eq!(keyring.decrypt(&fernet_token)?, "x");
    /// assert!(keyring.encrypt("x").starts_with("v1."));
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub fn with_old_keys(mut self, older: Keyring) -> Self {
        self.keys.extend(older.keys);
        self
    }

    /// Encrypts `plaintext` with the current key and a fresh random IV or nonce, so equal
    /// values give different tokens.
    ///
    /// ```
    /// let keyring = advanced_alchemy::types::Keyring::fernet("k");
    /// assert_ne!(keyring.encrypt("same"), keyring.encrypt("same"));
    /// ```
    pub fn encrypt(&self, plaintext: &str) -> String {
        match &self.keys[0] {
            Key::Fernet(f) => f.encrypt(plaintext.as_bytes()),
            Key::Aead(k) => k.encrypt(plaintext.as_bytes()),
            Key::Pgcrypto(k) => k.encrypt(plaintext.as_bytes()),
        }
    }

    /// Decrypts a token written by any key of the keyring. A token no key authenticates
    /// (wrong key, tampered or not a token at all) is [`EncryptionError::Decrypt`]; a
    /// plaintext that is not UTF-8 is [`EncryptionError::NotUtf8`].
    ///
    /// ```
    /// use advanced_alchemy::types::{EncryptionError, Keyring};
    ///
    /// let keyring = Keyring::fernet("k");
    /// assert!(matches!(keyring.decrypt("garbage"), Err(EncryptionError::Decrypt { .. })));
    /// ```
    pub fn decrypt(&self, token: &str) -> Result<String, EncryptionError> {
        let bytes = self
            .decrypt_bytes(token)
            .ok_or(EncryptionError::Decrypt { column: None })?;
        String::from_utf8(bytes).map_err(|_| EncryptionError::NotUtf8 { column: None })
    }

    fn decrypt_bytes(&self, token: &str) -> Option<Vec<u8>> {
        if pgcrypto::is_armored(token) {
            let message = Message::from_armored(token)?;
            self.keys.iter().find_map(|key| match key {
                Key::Pgcrypto(k) => k
                    .decrypt(&message)
                    .map(|mut plain| std::mem::take(&mut *plain)),
                _ => None,
            })
        } else if fernet::is_fernet_token(token) {
            self.keys.iter().find_map(|key| match key {
                Key::Fernet(f) => fernet::decrypt(f, token),
                _ => None,
            })
        } else {
            let key_id = Token::parse(token)?.key_id;
            self.keys.iter().find_map(|key| match key {
                Key::Aead(k) if k.id() == key_id => k.decrypt(token),
                _ => None,
            })
        }
    }
}
