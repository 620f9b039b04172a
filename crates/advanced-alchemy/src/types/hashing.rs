//! [`HashingBackend`]: how a [`PasswordHash`] is made and when it is stale, the
//! Python library's `HashingBackend` (`Argon2Hasher`, `PasslibHasher`, `PwdlibHasher`).

use super::PasswordHash;
use crate::error::Result;

/// A password hashing scheme with its parameters: what [`PasswordHash::hash`] hashes
/// with and what [`PasswordHash::needs_rehash`] compares a stored hash against. The
/// Python library's `HashingBackend`.
///
/// Implemented by [`Argon2Hasher`](super::Argon2Hasher) (the default, argon2-cffi's
/// format) and [`BcryptHasher`](super::BcryptHasher) (bcrypt's `$2b$` strings, what
/// passlib's and pwdlib's bcrypt backends store). *Verifying* does not need a backend:
/// [`PasswordHash::verify`] reads the scheme from the stored string, so a column that
/// holds both argon2 and bcrypt hashes (a service migrating from one to the other)
/// verifies every row, and [`PasswordHash::verify_and_update`] with the new backend
/// replaces the old scheme's hashes at the next login.
///
/// ```
/// use advanced_alchemy::types::{Argon2Hasher, BcryptHasher, HashingBackend, PasswordHash};
///
/// fn register(password: &str, backend: &impl HashingBackend) -> advanced_alchemy::Result<PasswordHash> {
///     PasswordHash::hash(password, backend)
/// }
/// let bcrypt = register("hunter2", &BcryptHasher::new().with_cost(4))?;
/// assert!(bcrypt.as_phc_str().starts_with("$2b$04$"));
/// let argon2 = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
/// assert!(bcrypt.verify("hunter2"));
/// assert!(bcrypt.needs_rehash(&argon2)); // another scheme: replace it after the next login
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub trait HashingBackend: Send + Sync {
    /// A new hash of `password` (UTF-8 text or bytes) with a fresh random salt.
    ///
    /// Errors: [`Error::InvalidRequest`](crate::Error::InvalidRequest) for parameters out
    /// of range, [`Error::PasswordHashing`](crate::Error::PasswordHashing) when the
    /// operating system gives no randomness.
    fn hash_password(&self, password: &[u8]) -> Result<PasswordHash>;

    /// Whether `stored`, a hash that verifies, was made with another scheme or other
    /// parameters than this backend's, so it should be replaced. `false` for a string
    /// that is no usable hash at all (nothing to rehash from).
    fn needs_rehash(&self, stored: &PasswordHash) -> bool;

    /// Why [`PasswordHash::verify_with`] must not compute `stored` under this backend's
    /// policy (it asks for more work than a login may cost), or `None` when it may. A
    /// stored hash is data anyone who can write the column controls: without a limit,
    /// `m=4194304` or bcrypt cost 31 pins a core (or 4 GiB) per login attempt.
    ///
    /// The default: the limits of
    /// [`Argon2Hasher::default`](super::Argon2Hasher) to Argon2 hashes and at most cost
    /// 14 (4 × the rounds of bcrypt's default 12) to bcrypt hashes.
    fn refuses(&self, stored: &PasswordHash) -> Option<String> {
        default_refusal(stored)
    }
}

/// The verify policy of [`HashingBackend::refuses`]'s default: Argon2 hashes within
/// [`Argon2Hasher::default`](super::Argon2Hasher)'s limits, bcrypt hashes of cost 14 at
/// most; `None` for a string that is no usable hash (it never verifies anyway).
pub(crate) fn default_refusal(stored: &PasswordHash) -> Option<String> {
    if let Some((_, cost)) = stored.bcrypt_cost() {
        return super::bcrypt_hasher::refuse_cost(cost, DEFAULT_BCRYPT_VERIFY_COST);
    }
    let (memory_cost, time_cost) = stored.argon2_costs()?;
    super::Argon2Hasher::default().refuses_costs(memory_cost, time_cost)
}

/// The highest bcrypt cost the default verify policy computes.
pub(crate) const DEFAULT_BCRYPT_VERIFY_COST: u32 = 14;
