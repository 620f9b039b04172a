//! [`BcryptHasher`]: bcrypt hashes in a [`PasswordHash`](super::PasswordHash) column,
//! as Python's passlib (`CryptContext(schemes=["bcrypt"])`) and pwdlib
//! (`BcryptHasher()`) store them.

use super::{HashingBackend, PasswordHash};
use crate::error::{Error, Result};

/// bcrypt with a cost (log2 of the rounds): `$2b$12$<salt><hash>`, 60 characters, what
/// Python's `bcrypt` package writes through passlib and pwdlib (both default to cost
/// 12). Use it for a database a Python service hashes with bcrypt; for a new one keep
/// the default [`Argon2Hasher`](super::Argon2Hasher).
///
/// bcrypt uses only the first 72 bytes of a password, as Python's `bcrypt` 4 and
/// passlib do: [`PasswordHash::hash`] refuses a longer password
/// ([`Error::InvalidRequest`], as pwdlib and `bcrypt` 5 do) rather than store a hash
/// that silently ignores its end; [`PasswordHash::verify`] compares the first 72 bytes,
/// so hashes passlib made of longer passwords still verify.
///
/// ```
/// use advanced_alchemy::types::{BcryptHasher, PasswordHash};
///
/// let hasher = BcryptHasher::new().with_cost(4); // cheap, for the example; default 12
/// let hashed = PasswordHash::hash("hunter2", &hasher)?;
/// assert!(hashed.as_phc_str().starts_with("$2b$04$") && hashed.as_phc_str().len() == 60);
/// assert!(hashed.verify("hunter2") && !hashed.verify("hunter3"));
/// assert!(!hashed.needs_rehash(&hasher));
/// assert!(hashed.needs_rehash(&hasher.with_cost(5)));
/// assert!(PasswordHash::hash("x".repeat(73), &hasher).is_err());
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BcryptHasher {
    cost: u32,
}

impl Default for BcryptHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl BcryptHasher {
    /// The smallest cost bcrypt accepts.
    pub const MIN_COST: u32 = 4;
    /// The largest cost bcrypt accepts.
    pub const MAX_COST: u32 = 31;
    /// The longest password bcrypt hashes, in bytes.
    pub const MAX_PASSWORD_LEN: usize = 72;

    /// Cost 12, the default of Python's `bcrypt`, passlib and pwdlib.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::BcryptHasher::new().cost(), 12);
    /// ```
    pub const fn new() -> Self {
        Self { cost: 12 }
    }

    /// With `cost` (4 to 31): `2^cost` rounds. Out of range is refused when hashing.
    ///
    /// ```
    /// use advanced_alchemy::types::{BcryptHasher, PasswordHash};
    /// assert!(PasswordHash::hash("pw", &BcryptHasher::new().with_cost(3)).is_err());
    /// ```
    pub const fn with_cost(mut self, cost: u32) -> Self {
        self.cost = cost;
        self
    }

    /// The cost.
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::BcryptHasher::new().with_cost(10).cost(), 10);
    /// ```
    pub const fn cost(&self) -> u32 {
        self.cost
    }
}

impl HashingBackend for BcryptHasher {
    fn hash_password(&self, password: &[u8]) -> Result<PasswordHash> {
        if !(Self::MIN_COST..=Self::MAX_COST).contains(&self.cost) {
            return Err(Error::InvalidRequest(format!(
                "BcryptHasher: cost must be from {} to {}, not {}",
                Self::MIN_COST,
                Self::MAX_COST,
                self.cost
            )));
        }
        if password.len() > Self::MAX_PASSWORD_LEN {
            return Err(Error::InvalidRequest(format!(
                "BcryptHasher: the password is {} bytes long; bcrypt uses at most {}",
                password.len(),
                Self::MAX_PASSWORD_LEN
            )));
        }
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| {
            Error::PasswordHashing(format!("no random salt from the operating system: {e}"))
        })?;
        let parts = bcrypt::hash_with_salt(password, self.cost, salt)
            .map_err(|e| Error::PasswordHashing(format!("bcrypt: {e}")))?;
        Ok(PasswordHash::from_trusted(
            parts.format_for_version(bcrypt::Version::TwoB),
        ))
    }

    fn refuses(&self, stored: &PasswordHash) -> Option<String> {
        match stored.bcrypt_cost() {
            // 4 × this hasher's rounds, and never less than the default policy allows
            Some((_, cost)) => refuse_cost(
                cost,
                (self.cost + 2).max(super::hashing::DEFAULT_BCRYPT_VERIFY_COST),
            ),
            None => super::hashing::default_refusal(stored),
        }
    }

    fn needs_rehash(&self, stored: &PasswordHash) -> bool {
        match stored.bcrypt_cost() {
            // passlib's bcrypt handler rewrites $2a$/$2y$ hashes as $2b$ too
            Some((version, cost)) => version != "2b" || cost != self.cost,
            None => stored.is_usable(),
        }
    }
}

/// Why a bcrypt hash of `cost` is above `max` (each step doubles the work).
pub(crate) fn refuse_cost(cost: u32, max: u32) -> Option<String> {
    (cost > max).then(|| format!("bcrypt cost {cost} is above the verify limit of {max}"))
}

/// The `(version, cost)` of a bcrypt string (`$2b$12$` + 53 characters of bcrypt's
/// base64), `None` for anything else.
pub(crate) fn parse(stored: &str) -> Option<(&str, u32)> {
    let rest = stored.strip_prefix('$')?;
    let (version, rest) = rest.split_once('$')?;
    if !matches!(version, "2a" | "2b" | "2y") {
        return None;
    }
    let (cost, rest) = rest.split_once('$')?;
    if cost.len() != 2 || !cost.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cost: u32 = cost.parse().ok()?;
    let alphabet = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'/';
    if !(BcryptHasher::MIN_COST..=BcryptHasher::MAX_COST).contains(&cost)
        || rest.len() != 53
        || !rest.bytes().all(alphabet)
    {
        return None;
    }
    Some((version, cost))
}

/// Whether `password` (its first 72 bytes, as Python's `bcrypt` 4 and passlib) is the
/// one of the bcrypt string `stored`; constant-time in the bcrypt crate.
pub(crate) fn verify(stored: &str, password: &[u8]) -> bool {
    if parse(stored).is_none() {
        return false;
    }
    let password = &password[..password.len().min(BcryptHasher::MAX_PASSWORD_LEN)];
    bcrypt::verify(password, stored).unwrap_or(false)
}
