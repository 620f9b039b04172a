//! [`KeyringCell`]: a keyring in a `static` that can be replaced while the program runs.

use super::Keyring;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// A [`Keyring`] in a `static`, made on first use and replaceable at any time: what an
/// [`EncryptionKey`](super::EncryptionKey) returns so that a rotated key takes effect
/// without a restart (Python's `EncryptedString(key=callable)` re-resolves its key on
/// every use for the same reason).
///
/// [`new`](Self::new) takes the function that makes the first keyring (from
/// configuration, an environment variable or a secret store), called once, on the first
/// [`load`](Self::load) unless [`store`](Self::store) came first. `store` replaces the
/// keyring for every value written or read from then on; a value being encrypted at that
/// moment may still use the previous keyring, so keep the previous current key among the
/// old keys of the new keyring ([`Keyring::with_old_keys`]) until every writer, in this
/// process and in any other sharing the database, uses the new one.
///
/// [`load`](Self::load) is cheap (a read lock and a reference count, no copy of the keys)
/// next to the encryption itself.
///
/// ```
/// use std::sync::Arc;
/// use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
///
/// static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("key A"));
///
/// struct AppKey;
/// impl EncryptionKey for AppKey {
///     fn keyring() -> Arc<Keyring> {
///         KEYS.load()
///     }
/// }
///
/// let written_under_a = AppKey::keyring().encrypt("old value");
///
/// // rotation, while running: B encrypts from now on, A still decrypts
/// let previous = KEYS.load();
/// KEYS.store(Keyring::fernet("key B").with_old_keys(Keyring::clone(&previous)));
/// assert_eq!(AppKey::keyring().decrypt(&written_under_a)?, "old value");
/// let written_under_b = AppKey::keyring().encrypt("new value");
/// assert!(Keyring::fernet("key A").decrypt(&written_under_b).is_err());
/// assert_eq!(Keyring::fernet("key B").decrypt(&written_under_b)?, "new value");
///
/// // once everything is re-encrypted: B alone
/// KEYS.store(Keyring::fernet("key B"));
/// assert!(AppKey::keyring().decrypt(&written_under_a).is_err());
/// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
/// ```
pub struct KeyringCell {
    init: fn() -> Keyring,
    current: OnceLock<RwLock<Arc<Keyring>>>,
}

impl KeyringCell {
    /// A cell whose first keyring `init` makes, on the first [`load`](Self::load) (unless
    /// [`store`](Self::store) gave it one before). Load once at startup so a missing key
    /// stops the program there rather than at the first query.
    ///
    /// ```
    /// use advanced_alchemy::types::{Keyring, KeyringCell};
    ///
    /// static KEYS: KeyringCell = KeyringCell::new(|| Keyring::aead([1; 32]));
    /// let token = KEYS.load().encrypt("x");
    /// assert_eq!(Keyring::aead([1; 32]).decrypt(&token)?, "x");
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    pub const fn new(init: fn() -> Keyring) -> Self {
        Self {
            init,
            current: OnceLock::new(),
        }
    }

    fn slot(&self) -> &RwLock<Arc<Keyring>> {
        self.current
            .get_or_init(|| RwLock::new(Arc::new((self.init)())))
    }

    /// The keyring now: the one [`store`](Self::store) last gave, or the one `init` made.
    /// The `Arc` keeps it alive for as long as it is held, across a `store`.
    ///
    /// ```
    /// use advanced_alchemy::types::{Keyring, KeyringCell};
    ///
    /// static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// assert_eq!(format!("{:?}", KEYS.load()), r#"Keyring { current: "fernet", old_keys: 0 }"#);
    /// ```
    pub fn load(&self) -> Arc<Keyring> {
        Arc::clone(&self.slot().read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the keyring for every later [`load`](Self::load); `init` is then never
    /// called if it was not yet.
    ///
    /// ```
    /// use advanced_alchemy::types::{Keyring, KeyringCell};
    ///
    /// static KEYS: KeyringCell = KeyringCell::new(|| panic!("configured at startup"));
    /// KEYS.store(Keyring::aead([7; 32])); // from the secret store
    /// assert_eq!(
    ///     format!("{:?}", KEYS.load()),
    ///     r#"Keyring { current: "xchacha20poly1305", old_keys: 0 }"#
    /// );
    /// ```
    pub fn store(&self, keyring: Keyring) {
        let new = Arc::new(keyring);
        let slot = self.current.get_or_init(|| RwLock::new(Arc::clone(&new)));
        let previous = {
            let mut current = slot.write().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *current, new)
        };
        // the previous keyring is dropped (and its keys wiped) outside the lock, or later
        // by the last reader still holding it
        drop(previous);
    }
}

impl std::fmt::Debug for KeyringCell {
    /// The current keyring's backends (never its keys), or that there is none yet.
    ///
    /// ```
    /// use advanced_alchemy::types::{Keyring, KeyringCell};
    ///
    /// static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// assert_eq!(format!("{KEYS:?}"), "KeyringCell(not loaded yet)");
    /// KEYS.load();
    /// assert_eq!(
    ///     format!("{KEYS:?}"),
    ///     r#"KeyringCell(Keyring { current: "fernet", old_keys: 0 })"#
    /// );
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.current.get() {
            Some(slot) => {
                let keyring = slot.read().unwrap_or_else(PoisonError::into_inner);
                f.debug_tuple("KeyringCell").field(&**keyring).finish()
            }
            None => f.write_str("KeyringCell(not loaded yet)"),
        }
    }
}
