//! [`Argon2Hasher`]: the cost parameters of [`PasswordHash`](super::PasswordHash), with
//! argon2-cffi's defaults.

use super::PasswordHash;
use crate::error::{Error, Result};
use argon2::password_hash::phc;
use argon2::{Algorithm, Params};

/// The Argon2 variant a hash is made with. Argon2id, the default, is the one to use;
/// Argon2i and Argon2d hashes (which argon2-cffi also writes) verify as well.
///
/// ```
/// use advanced_alchemy::types::Argon2Variant;
///
/// assert_eq!(Argon2Variant::default(), Argon2Variant::Argon2id);
/// assert_eq!(Argon2Variant::Argon2i.as_str(), "argon2i");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Argon2Variant {
    /// Data-dependent memory access: `$argon2d$`.
    Argon2d,
    /// Data-independent memory access: `$argon2i$`.
    Argon2i,
    /// The hybrid of both recommended by RFC 9106 and argon2-cffi's default: `$argon2id$`.
    #[default]
    Argon2id,
}

impl Argon2Variant {
    /// The identifier of the variant in a PHC string (`argon2id`, …).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Variant;
    /// assert_eq!(Argon2Variant::Argon2id.as_str(), "argon2id");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Argon2Variant::Argon2d => "argon2d",
            Argon2Variant::Argon2i => "argon2i",
            Argon2Variant::Argon2id => "argon2id",
        }
    }

    pub(super) fn from_ident(ident: &str) -> Option<Self> {
        match ident {
            "argon2d" => Some(Argon2Variant::Argon2d),
            "argon2i" => Some(Argon2Variant::Argon2i),
            "argon2id" => Some(Argon2Variant::Argon2id),
            _ => None,
        }
    }

    pub(super) fn algorithm(self) -> Algorithm {
        match self {
            Argon2Variant::Argon2d => Algorithm::Argon2d,
            Argon2Variant::Argon2i => Algorithm::Argon2i,
            Argon2Variant::Argon2id => Algorithm::Argon2id,
        }
    }
}

/// How new password hashes are made: the Argon2 variant and cost parameters, the
/// Python library's `Argon2Hasher(**kwargs)` (which passes them to argon2-cffi's
/// `PasswordHasher`).
///
/// The [`Default`] is argon2-cffi's default (25.1, RFC 9106's low-memory profile):
/// Argon2id, `time_cost` 3, `memory_cost` 65 536 KiB (64 MiB), `parallelism` 4,
/// `hash_len` 32, `salt_len` 16, version 19. A hash made with them verifies in Python and
/// a Python hash made with them needs no rehash here.
///
/// A hasher is also the policy for verifying: [`PasswordHash::verify_with`] (and
/// [`PasswordHash::verify_and_update`]) refuse, in microseconds and without hashing, a
/// stored hash that asks for more than [`max_memory_cost`](Self::max_memory_cost) KiB or
/// more than [`max_total_cost`](Self::max_total_cost) KiB × passes. Anyone who can write
/// the column could otherwise make each login attempt allocate gigabytes or spin for
/// seconds. The limits default to 4 × the configured cost
/// ([`Argon2Hasher::DEFAULT_LIMIT_FACTOR`]): with argon2-cffi's defaults, 256 MiB and
/// 768 MiB × passes; set them with [`with_verify_limits`](Self::with_verify_limits) while
/// older, costlier hashes are still stored.
///
/// The setters are `const`, so a hasher can be a constant. Values are checked when a
/// hash is made ([`PasswordHash::hash`]), or early with [`Argon2Hasher::check`].
///
/// ```
/// use advanced_alchemy::types::{Argon2Hasher, Argon2Variant};
///
/// // argon2-cffi's `PasswordHasher()`
/// let python_default = Argon2Hasher::default();
/// assert_eq!(
///     (python_default.time_cost(), python_default.memory_cost(), python_default.parallelism()),
///     (3, 65_536, 4),
/// );
///
/// // OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane
/// const OWASP: Argon2Hasher =
///     Argon2Hasher::new().with_memory_cost(19_456).with_time_cost(2).with_parallelism(1);
/// assert_eq!(OWASP.variant(), Argon2Variant::Argon2id);
/// assert!(OWASP.check().is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Argon2Hasher {
    pub(super) variant: Argon2Variant,
    pub(super) time_cost: u32,
    pub(super) memory_cost: u32,
    pub(super) parallelism: u32,
    pub(super) hash_len: usize,
    pub(super) salt_len: usize,
    /// `None`: [`DEFAULT_LIMIT_FACTOR`](Self::DEFAULT_LIMIT_FACTOR) × `memory_cost`.
    pub(super) max_memory_cost: Option<u32>,
    /// `None`: [`DEFAULT_LIMIT_FACTOR`](Self::DEFAULT_LIMIT_FACTOR) × `memory_cost` × `time_cost`.
    pub(super) max_total_cost: Option<u64>,
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        Self::new()
    }
}

/// Argon2 version 1.3 (`v=19`), the only one argon2-cffi and this crate write.
pub(crate) const CURRENT_VERSION: u32 = 0x13;

impl Argon2Hasher {
    /// How many times the configured cost a stored hash may ask for, unless
    /// [`with_verify_limits`](Self::with_verify_limits) says otherwise.
    pub const DEFAULT_LIMIT_FACTOR: u32 = 4;

    /// Smallest `hash_len` accepted (the PHC string format's minimum output).
    pub const MIN_HASH_LEN: usize = phc::Output::MIN_LENGTH;
    /// Largest `hash_len` accepted.
    pub const MAX_HASH_LEN: usize = phc::Output::MAX_LENGTH;
    /// Smallest `salt_len` accepted (Argon2's minimum salt).
    pub const MIN_SALT_LEN: usize = phc::Salt::MIN_LENGTH;
    /// Largest `salt_len` accepted.
    pub const MAX_SALT_LEN: usize = phc::Salt::MAX_LENGTH;

    /// argon2-cffi's defaults, as a `const` (the same as [`Default`]).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new(), Argon2Hasher::default());
    /// assert_eq!((Argon2Hasher::new().hash_len(), Argon2Hasher::new().salt_len()), (32, 16));
    /// ```
    pub const fn new() -> Self {
        Self {
            variant: Argon2Variant::Argon2id,
            time_cost: 3,
            memory_cost: 65_536,
            parallelism: 4,
            hash_len: 32,
            salt_len: 16,
            max_memory_cost: None,
            max_total_cost: None,
        }
    }

    /// The most a stored hash may ask of [`PasswordHash::verify_with`]: `memory` KiB, and
    /// `memory × passes` of `total` (KiB × passes). Hashes beyond either are refused
    /// without being computed. At least the hasher's own cost ([`check`](Self::check)
    /// says so otherwise), and never above [`PasswordHash::MAX_MEMORY_COST`] and
    /// [`PasswordHash::MAX_TOTAL_COST`], which bound every verification.
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    ///
    /// let hasher = Argon2Hasher::default();
    /// assert_eq!((hasher.max_memory_cost(), hasher.max_total_cost()), (262_144, 786_432));
    /// let lenient = hasher.with_verify_limits(1 << 20, 3 << 20); // 1 GiB, 3 passes of it
    /// assert_eq!(lenient.max_memory_cost(), 1 << 20);
    /// assert!(hasher.with_verify_limits(1024, 1024).check().is_err());
    /// ```
    #[must_use]
    pub const fn with_verify_limits(mut self, memory: u32, total: u64) -> Self {
        self.max_memory_cost = Some(memory);
        self.max_total_cost = Some(total);
        self
    }

    /// The largest `m` (KiB) a stored hash may have to be verified: see
    /// [`with_verify_limits`](Self::with_verify_limits).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_memory_cost(1024).max_memory_cost(), 4096);
    /// ```
    pub const fn max_memory_cost(&self) -> u32 {
        match self.max_memory_cost {
            Some(m) => m,
            None => self.memory_cost.saturating_mul(Self::DEFAULT_LIMIT_FACTOR),
        }
    }

    /// The largest `m × t` (KiB × passes) a stored hash may have to be verified: see
    /// [`with_verify_limits`](Self::with_verify_limits).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(2);
    /// assert_eq!(hasher.max_total_cost(), 8192);
    /// ```
    pub const fn max_total_cost(&self) -> u64 {
        match self.max_total_cost {
            Some(t) => t,
            None => {
                self.memory_cost as u64 * self.time_cost as u64 * Self::DEFAULT_LIMIT_FACTOR as u64
            }
        }
    }

    /// Why a hash of `memory_cost` KiB over `time_cost` passes is outside this hasher's
    /// verify limits, if it is.
    pub(super) fn refuses(&self, memory_cost: u32, time_cost: u32) -> Option<String> {
        if let Some(limit) = exceeds_limits(memory_cost, time_cost) {
            return Some(limit.to_owned());
        }
        if memory_cost > self.max_memory_cost() {
            return Some(format!(
                "m={memory_cost} KiB is above the hasher's limit of {} KiB",
                self.max_memory_cost()
            ));
        }
        let total = u64::from(memory_cost) * u64::from(time_cost);
        if total > self.max_total_cost() {
            return Some(format!(
                "m × t = {total} KiB × passes is above the hasher's limit of {}",
                self.max_total_cost()
            ));
        }
        None
    }

    /// The Argon2 variant (argon2-cffi's `type`).
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, Argon2Variant};
    /// let hasher = Argon2Hasher::new().with_variant(Argon2Variant::Argon2i);
    /// assert_eq!(hasher.variant(), Argon2Variant::Argon2i);
    /// ```
    #[must_use]
    pub const fn with_variant(mut self, variant: Argon2Variant) -> Self {
        self.variant = variant;
        self
    }

    /// The number of passes over the memory (argon2-cffi's `time_cost`), at least 1.
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_time_cost(2).time_cost(), 2);
    /// ```
    #[must_use]
    pub const fn with_time_cost(mut self, passes: u32) -> Self {
        self.time_cost = passes;
        self
    }

    /// The memory used, in KiB (argon2-cffi's `memory_cost`), at least 8 × parallelism
    /// and at most [`PasswordHash::MAX_MEMORY_COST`].
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_memory_cost(19_456).memory_cost(), 19_456);
    /// ```
    #[must_use]
    pub const fn with_memory_cost(mut self, kib: u32) -> Self {
        self.memory_cost = kib;
        self
    }

    /// The number of lanes (argon2-cffi's `parallelism`), at least 1. This crate computes
    /// the lanes one after another; the value still changes the hash, so keep the one
    /// your stored hashes were made with.
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_parallelism(1).parallelism(), 1);
    /// ```
    #[must_use]
    pub const fn with_parallelism(mut self, lanes: u32) -> Self {
        self.parallelism = lanes;
        self
    }

    /// The length of the hash in bytes (argon2-cffi's `hash_len`), from
    /// [`MIN_HASH_LEN`](Self::MIN_HASH_LEN) to [`MAX_HASH_LEN`](Self::MAX_HASH_LEN).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_hash_len(64).hash_len(), 64);
    /// assert!(Argon2Hasher::new().with_hash_len(4).check().is_err());
    /// ```
    #[must_use]
    pub const fn with_hash_len(mut self, bytes: usize) -> Self {
        self.hash_len = bytes;
        self
    }

    /// The length of the random salt in bytes (argon2-cffi's `salt_len`), from
    /// [`MIN_SALT_LEN`](Self::MIN_SALT_LEN) to [`MAX_SALT_LEN`](Self::MAX_SALT_LEN).
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    /// assert_eq!(Argon2Hasher::new().with_salt_len(32).salt_len(), 32);
    /// ```
    #[must_use]
    pub const fn with_salt_len(mut self, bytes: usize) -> Self {
        self.salt_len = bytes;
        self
    }

    /// See [`with_variant`](Self::with_variant).
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, Argon2Variant};
    /// assert_eq!(Argon2Hasher::new().variant(), Argon2Variant::Argon2id);
    /// ```
    pub const fn variant(&self) -> Argon2Variant {
        self.variant
    }

    /// See [`with_time_cost`](Self::with_time_cost).
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::Argon2Hasher::new().time_cost(), 3);
    /// ```
    pub const fn time_cost(&self) -> u32 {
        self.time_cost
    }

    /// See [`with_memory_cost`](Self::with_memory_cost).
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::Argon2Hasher::new().memory_cost(), 65_536);
    /// ```
    pub const fn memory_cost(&self) -> u32 {
        self.memory_cost
    }

    /// See [`with_parallelism`](Self::with_parallelism).
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::Argon2Hasher::new().parallelism(), 4);
    /// ```
    pub const fn parallelism(&self) -> u32 {
        self.parallelism
    }

    /// See [`with_hash_len`](Self::with_hash_len).
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::Argon2Hasher::new().hash_len(), 32);
    /// ```
    pub const fn hash_len(&self) -> usize {
        self.hash_len
    }

    /// See [`with_salt_len`](Self::with_salt_len).
    ///
    /// ```
    /// assert_eq!(advanced_alchemy::types::Argon2Hasher::new().salt_len(), 16);
    /// ```
    pub const fn salt_len(&self) -> usize {
        self.salt_len
    }

    /// Checks the parameters without hashing: an [`Error::InvalidRequest`] names the
    /// first one out of range. [`PasswordHash::hash`] runs the same check.
    ///
    /// ```
    /// use advanced_alchemy::types::Argon2Hasher;
    ///
    /// assert!(Argon2Hasher::default().check().is_ok());
    /// let err = Argon2Hasher::new().with_time_cost(0).check().unwrap_err();
    /// assert!(err.to_string().contains("time_cost"), "{err}");
    /// ```
    pub fn check(&self) -> Result<()> {
        self.params().map(drop)
    }

    /// The argon2 crate's parameters, after checking every value.
    pub(super) fn params(&self) -> Result<Params> {
        let invalid = |what: String| Err(Error::InvalidRequest(format!("Argon2Hasher: {what}")));
        if self.time_cost < 1 {
            return invalid(format!(
                "time_cost must be at least 1, not {}",
                self.time_cost
            ));
        }
        if self.parallelism < Params::MIN_P_COST || self.parallelism > Params::MAX_P_COST {
            return invalid(format!(
                "parallelism must be from {} to {}, not {}",
                Params::MIN_P_COST,
                Params::MAX_P_COST,
                self.parallelism
            ));
        }
        let min_memory = self.parallelism.saturating_mul(8).max(Params::MIN_M_COST);
        if self.memory_cost < min_memory {
            return invalid(format!(
                "memory_cost must be at least 8 KiB per lane ({min_memory} KiB for parallelism {}), not {} KiB",
                self.parallelism, self.memory_cost
            ));
        }
        if let Some(limit) = exceeds_limits(self.memory_cost, self.time_cost) {
            return invalid(format!(
                "memory_cost {} KiB with time_cost {} is {limit}: such hashes would not verify",
                self.memory_cost, self.time_cost
            ));
        }
        if self.max_memory_cost() < self.memory_cost
            || self.max_total_cost() < u64::from(self.memory_cost) * u64::from(self.time_cost)
        {
            return invalid(format!(
                "the verify limits ({} KiB, {} KiB × passes) are below the hasher's own cost: its hashes would not verify",
                self.max_memory_cost(),
                self.max_total_cost()
            ));
        }
        if !(Self::MIN_HASH_LEN..=Self::MAX_HASH_LEN).contains(&self.hash_len) {
            return invalid(format!(
                "hash_len must be from {} to {} bytes, not {}",
                Self::MIN_HASH_LEN,
                Self::MAX_HASH_LEN,
                self.hash_len
            ));
        }
        if !(Self::MIN_SALT_LEN..=Self::MAX_SALT_LEN).contains(&self.salt_len) {
            return invalid(format!(
                "salt_len must be from {} to {} bytes, not {}",
                Self::MIN_SALT_LEN,
                Self::MAX_SALT_LEN,
                self.salt_len
            ));
        }
        Params::new(
            self.memory_cost,
            self.time_cost,
            self.parallelism,
            Some(self.hash_len),
        )
        .or_else(|e| invalid(e.to_string()))
    }
}

/// Which verification limit `memory_cost` KiB over `time_cost` passes exceeds, if any.
pub(crate) fn exceeds_limits(memory_cost: u32, time_cost: u32) -> Option<&'static str> {
    if memory_cost > PasswordHash::MAX_MEMORY_COST {
        Some("above PasswordHash::MAX_MEMORY_COST")
    } else if u64::from(memory_cost) * u64::from(time_cost) > PasswordHash::MAX_TOTAL_COST {
        Some("above PasswordHash::MAX_TOTAL_COST")
    } else {
        None
    }
}
