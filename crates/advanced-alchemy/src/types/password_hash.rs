//! [`PasswordHash`]: an Argon2 PHC string in a column.

use super::argon2_hasher::{CURRENT_VERSION, exceeds_limits};
use super::{Argon2Hasher, Argon2Variant};
use crate::error::{Error, Result};
use argon2::password_hash::phc;
use argon2::{Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use sea_orm::DeriveValueType;
use std::fmt;

/// An Argon2 password hash in a column: the PHC string argon2-cffi writes
/// (`$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>`), in a `VARCHAR(255)` like the
/// Python library's `PasswordHash(backend=Argon2Hasher(), length=255)`. Python and Rust
/// read each other's hashes.
///
/// Make one from a password with [`hash`](Self::hash), check a password with
/// [`verify`](Self::verify), and after a successful login replace a hash made with older
/// parameters ([`needs_rehash`](Self::needs_rehash), or both steps at once with
/// [`verify_and_update`](Self::verify_and_update)). Where Python hashes whatever is
/// assigned to the column when it is saved, here the field only ever holds a hash: a
/// plain `String` cannot become a `PasswordHash` by accident.
///
/// Reading never fails on the column's content: a row holding something that is not an
/// Argon2 hash (a legacy format, garbage) loads, [`verify`](Self::verify) is `false` for
/// every password and [`needs_rehash`](Self::needs_rehash) is `false`, as in Python.
///
/// `Debug` shows the variant only (`PasswordHash(argon2id, ..)`), so logging a model
/// does not leak the hash; there is no `Display`. [`as_phc_str`](Self::as_phc_str) is the
/// explicit way to the string. `==` compares the stored strings, not passwords. Keep the
/// column out of query-string filters (`FilterSchema::all_columns().without(…)`, see
/// [`FilterSchema`](crate::filters::params::FilterSchema)): a `__startswith` filter would
/// reveal the hash one character at a time.
///
/// Hashing and verifying are deliberately slow (tens of milliseconds with the defaults)
/// and CPU-bound: in an async server run them in `tokio::task::spawn_blocking`. In debug
/// builds they are much slower; `[profile.dev.package.argon2] opt-level = 3` in your
/// `Cargo.toml` helps.
///
/// ```
/// mod user {
///     use advanced_alchemy::types::PasswordHash;
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntBase)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "user_account")]
///     pub struct Model {
///         pub email: String,
///         pub password: PasswordHash,          // VARCHAR(255) NOT NULL
///         pub recovery_code: Option<PasswordHash>, // VARCHAR(255) NULL
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::repository::Repository;
/// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
/// use sea_orm::{ActiveValue::Set, IntoActiveModel};
///
/// // cheap parameters for the example; use Argon2Hasher::default() for real
/// const HASHER: Argon2Hasher =
///     Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<user::Entity>().create_all(&db).await?;
/// let users = Repository::<user::Entity, _>::new(&db);
/// let alice = users
///     .add(user::ActiveModel {
///         email: Set("alice@example.com".into()),
///         password: Set(PasswordHash::hash("correct horse", &HASHER)?),
///         recovery_code: Set(None),
///         ..Default::default()
///     })
///     .await?;
///
/// // log in: verify, and store a new hash when the parameters have changed since
/// let id = alice.id;
/// let alice = users.get(id).await?;
/// let stronger = HASHER.with_time_cost(2);
/// let (ok, new_hash) = alice.password.verify_and_update("correct horse", &stronger)?;
/// assert!(ok);
/// if let Some(new_hash) = new_hash {
///     let mut change = alice.into_active_model();
///     change.password = Set(new_hash);
///     users.update(change).await?;
/// }
/// let alice = users.get(id).await?;
/// assert!(alice.password.verify("correct horse"));
/// assert!(!alice.password.needs_rehash(&stronger));
/// assert_eq!(format!("{:?}", alice.password), "PasswordHash(argon2id, ..)");
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(column_type = "String(sea_orm::sea_query::StringLen::N(255))")]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Verification refuses (is `false` for) hashes that ask for more memory than this,
    /// in KiB: 4 GiB, twice argon2-cffi's high-memory profile. A hash from a tampered
    /// row cannot make [`verify`](Self::verify) allocate without bound.
    pub const MAX_MEMORY_COST: u32 = 4 * 1024 * 1024;

    /// Verification refuses hashes whose `memory_cost × time_cost` (KiB × passes)
    /// exceeds this: 16 GiB-passes, 85 times argon2-cffi's default (64 MiB × 3) and
    /// room for 4 GiB × 4 passes. A tampered row cannot make [`verify`](Self::verify)
    /// spin for hours.
    pub const MAX_TOTAL_COST: u64 = 16 * 1024 * 1024;

    /// Hashes `password` (text or bytes; text as UTF-8, as in Python) with `hasher`'s
    /// parameters and a fresh random salt from the operating system.
    ///
    /// Errors: [`Error::InvalidRequest`] when a parameter of `hasher` is out of range
    /// (see [`Argon2Hasher::check`]); [`Error::PasswordHashing`] when the operating
    /// system gives no randomness or Argon2 cannot allocate its memory.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let hashed = PasswordHash::hash("hunter2", &hasher)?;
    /// assert!(hashed.as_phc_str().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    /// // a new salt every time
    /// assert_ne!(hashed, PasswordHash::hash("hunter2", &hasher)?);
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn hash(password: impl AsRef<[u8]>, hasher: &Argon2Hasher) -> Result<Self> {
        let params = hasher.params()?;
        let mut salt = [0u8; Argon2Hasher::MAX_SALT_LEN];
        let salt = &mut salt[..hasher.salt_len];
        getrandom::fill(salt).map_err(|e| {
            Error::PasswordHashing(format!("no random salt from the operating system: {e}"))
        })?;
        let hashed = Argon2::new(hasher.variant.algorithm(), Version::V0x13, params)
            .hash_password_with_salt(password.as_ref(), salt)
            .map_err(|e| Error::PasswordHashing(format!("Argon2: {e}")))?;
        Ok(Self(hashed.to_string()))
    }

    /// Wraps an existing PHC string, such as one exported from another system, after
    /// checking that [`verify`](Self::verify) can use it: an Argon2 variant, version 16
    /// or 19 (or none, which is 16), the `m`, `t` and `p` parameters, a salt and a hash,
    /// within [`MAX_MEMORY_COST`](Self::MAX_MEMORY_COST) and
    /// [`MAX_TOTAL_COST`](Self::MAX_TOTAL_COST).
    ///
    /// An [`Error::InvalidRequest`] otherwise; its message never contains the string,
    /// which might be a password stored in clear.
    ///
    /// ```
    /// use advanced_alchemy::types::PasswordHash;
    ///
    /// let from_python = "$argon2id$v=19$m=1024,t=1,p=1$BQqmW96JfO94XlIHXom53w$oV49Se9QHwfs/luI5cSmYJTGuzNHSCw/0ypUddDWfdQ";
    /// assert!(PasswordHash::parse(from_python)?.verify("hunter2"));
    ///
    /// let err = PasswordHash::parse("hunter2").unwrap_err();
    /// assert!(!err.to_string().contains("hunter2"), "{err}");
    /// assert!(PasswordHash::parse("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW").is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn parse(phc: &str) -> Result<Self> {
        match Parsed::new(phc) {
            Ok(_) => Ok(Self(phc.to_owned())),
            Err(reason) => Err(Error::InvalidRequest(format!(
                "not a usable Argon2 PHC string ($argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>): {reason}"
            ))),
        }
    }

    /// Whether `password` is the one this hash was made from, in constant time (the
    /// argon2 crate's comparison), under the verify limits of [`Argon2Hasher::default`]:
    /// [`verify_with`](Self::verify_with) with the default hasher. Use `verify_with` and
    /// your own hasher when you configured one.
    ///
    /// `false` on a wrong password, on anything that is not a usable Argon2 hash (see
    /// [`parse`](Self::parse)) and on a hash that asks for more than the limits (256 MiB,
    /// 768 MiB × passes); never a panic.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let hashed = PasswordHash::hash("pässwörd", &hasher)?;
    /// assert!(hashed.verify("pässwörd"));
    /// assert!(hashed.verify("pässwörd".as_bytes()));
    /// assert!(!hashed.verify("passwörd"));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn verify(&self, password: impl AsRef<[u8]>) -> bool {
        self.verify_with(password, &Argon2Hasher::default())
    }

    /// Whether `password` is the one this hash was made from, refusing (`false`, without
    /// hashing) a stored hash beyond `hasher`'s verify limits
    /// ([`Argon2Hasher::with_verify_limits`]; by default 4 × its configured cost). The
    /// other parameters come from the hash itself, so hashes made with other costs
    /// within the limits (older ones, Python's) verify too.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// let cheap = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let costlier = PasswordHash::hash("hunter2", &cheap.with_memory_cost(8192))?;
    /// assert!(!costlier.verify_with("hunter2", &cheap)); // 8 MiB > 4 × 1 MiB
    /// assert!(costlier.verify_with("hunter2", &cheap.with_verify_limits(8192, 8192)));
    /// assert!(costlier.check_cost(&cheap).is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn verify_with(&self, password: impl AsRef<[u8]>, hasher: &Argon2Hasher) -> bool {
        match Parsed::new(&self.0) {
            Ok(parsed)
                if hasher
                    .refuses(parsed.memory_cost, parsed.time_cost)
                    .is_none() =>
            {
                Argon2::default()
                    .verify_password(password.as_ref(), &parsed.phc)
                    .is_ok()
            }
            _ => false,
        }
    }

    /// Whether [`verify_with`](Self::verify_with) would compute this hash under
    /// `hasher`'s verify limits: an [`Error::InvalidRequest`] naming the limit it
    /// exceeds, or that it is not a usable Argon2 hash. No hashing; for reporting a row
    /// that can never log in.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// // m=64 MiB, t=256: 19 s of CPU per login attempt if it were computed
    /// let slow = PasswordHash::parse("$argon2id$v=19$m=65536,t=256,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")?;
    /// let err = slow.check_cost(&Argon2Hasher::default()).unwrap_err();
    /// assert!(err.to_string().contains("m × t"), "{err}");
    /// assert!(!slow.verify("anything"));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn check_cost(&self, hasher: &Argon2Hasher) -> Result<()> {
        let parsed = Parsed::new(&self.0).map_err(|reason| {
            Error::InvalidRequest(format!("not a usable Argon2 hash: {reason}"))
        })?;
        match hasher.refuses(parsed.memory_cost, parsed.time_cost) {
            Some(reason) => Err(Error::InvalidRequest(format!(
                "the stored hash is beyond the verify limits: {reason}"
            ))),
            None => Ok(()),
        }
    }

    /// Whether this hash was made with other parameters than `hasher`'s (variant,
    /// version, time, memory, parallelism, hash or salt length), so that it should be
    /// replaced after the next successful [`verify`](Self::verify): argon2-cffi's
    /// `check_needs_rehash`.
    ///
    /// `false` for anything that is not a usable Argon2 hash, as in Python: there is
    /// nothing to rehash from, and a login flow should not fail on it.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// let cheap = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let hashed = PasswordHash::hash("hunter2", &cheap)?;
    /// assert!(!hashed.needs_rehash(&cheap));
    /// assert!(hashed.needs_rehash(&cheap.with_memory_cost(2048)));
    /// assert!(hashed.needs_rehash(&Argon2Hasher::default()));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn needs_rehash(&self, hasher: &Argon2Hasher) -> bool {
        let Ok(parsed) = Parsed::new(&self.0) else {
            return false;
        };
        parsed.variant != hasher.variant
            || parsed.version != CURRENT_VERSION
            || parsed.memory_cost != hasher.memory_cost
            || parsed.time_cost != hasher.time_cost
            || parsed.parallelism != hasher.parallelism
            || parsed.hash_len != hasher.hash_len
            || parsed.salt_len != hasher.salt_len
    }

    /// [`verify_with`](Self::verify_with) under `hasher`'s limits, then, when the password is right and the hash
    /// [needs a rehash](Self::needs_rehash), a new hash of it with `hasher`: the
    /// Python `HashedPassword.verify_and_update`. `(false, None)` for a wrong password,
    /// `(true, None)` when the hash is current, `(true, Some(new))` when `new` should
    /// be stored.
    ///
    /// Errors only from making the new hash (see [`hash`](Self::hash)).
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    ///
    /// let old = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let new = old.with_memory_cost(2048);
    /// let stored = PasswordHash::hash("hunter2", &old)?;
    ///
    /// assert_eq!(stored.verify_and_update("wrong", &new)?, (false, None));
    /// assert_eq!(stored.verify_and_update("hunter2", &old)?, (true, None));
    /// let (ok, rehashed) = stored.verify_and_update("hunter2", &new)?;
    /// let rehashed = rehashed.expect("the memory cost changed");
    /// assert!(ok && rehashed.verify("hunter2") && !rehashed.needs_rehash(&new));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn verify_and_update(
        &self,
        password: impl AsRef<[u8]>,
        hasher: &Argon2Hasher,
    ) -> Result<(bool, Option<PasswordHash>)> {
        let password = password.as_ref();
        if !self.verify_with(password, hasher) {
            return Ok((false, None));
        }
        if self.needs_rehash(hasher) {
            return Ok((true, Some(Self::hash(password, hasher)?)));
        }
        Ok((true, None))
    }

    /// The stored PHC string, for the cases that need it (exporting, comparing with
    /// another system). Treat it as a secret: it allows offline guessing.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let hashed = PasswordHash::hash("hunter2", &hasher)?;
    /// assert_eq!(PasswordHash::parse(hashed.as_phc_str())?, hashed);
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn as_phc_str(&self) -> &str {
        &self.0
    }

    /// The stored PHC string, by value.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let phc: String = PasswordHash::hash("hunter2", &hasher)?.into_phc_string();
    /// assert!(phc.starts_with("$argon2id$"));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn into_phc_string(self) -> String {
        self.0
    }

    /// The Argon2 variant named by the hash, `None` when the stored string is not an
    /// Argon2 PHC string at all.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, Argon2Variant, PasswordHash};
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let hashed = PasswordHash::hash("hunter2", &hasher.with_variant(Argon2Variant::Argon2d))?;
    /// assert_eq!(hashed.variant(), Some(Argon2Variant::Argon2d));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn variant(&self) -> Option<Argon2Variant> {
        let ident = self.0.strip_prefix('$')?.split('$').next()?;
        Argon2Variant::from_ident(ident)
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never the string itself: it is a secret, or may be a password stored in clear
        let variant = self.variant().map_or("not argon2", Argon2Variant::as_str);
        write!(f, "PasswordHash({variant}, ..)")
    }
}

/// A stored string that [`PasswordHash::verify`] can use, and what `needs_rehash`
/// compares. The same rules as argon2-cffi: exactly the `m`, `t` and `p` parameters, a
/// salt and a hash; no `v=` means Argon2 version 1.0 (`0x10`), as the reference
/// implementation reads it.
struct Parsed {
    phc: phc::PasswordHash,
    variant: Argon2Variant,
    version: u32,
    memory_cost: u32,
    time_cost: u32,
    parallelism: u32,
    hash_len: usize,
    salt_len: usize,
}

impl Parsed {
    fn new(stored: &str) -> std::result::Result<Self, &'static str> {
        let mut phc = phc::PasswordHash::new(stored).map_err(|_| "not a PHC string")?;
        let variant =
            Argon2Variant::from_ident(phc.algorithm.as_str()).ok_or("not an Argon2 variant")?;
        let version = phc.version.unwrap_or(0x10);
        if version != 0x10 && version != CURRENT_VERSION {
            return Err("unknown Argon2 version");
        }
        // the argon2 crate takes a missing version for 0x13; make it explicit
        phc.version = Some(version);
        let cost = |name: &str| phc.params.get_decimal(name);
        let (Some(memory_cost), Some(time_cost), Some(parallelism)) =
            (cost("m"), cost("t"), cost("p"))
        else {
            return Err("the parameters m, t and p are required");
        };
        if phc.params.iter().count() != 3 {
            return Err("parameters other than m, t and p");
        }
        let salt_len = phc.salt.as_ref().ok_or("no salt")?.len();
        let hash_len = phc.hash.as_ref().ok_or("no hash")?.len();
        if let Some(limit) = exceeds_limits(memory_cost, time_cost) {
            return Err(limit);
        }
        // the argon2 crate's own checks (memory at least 8 KiB per lane, …)
        Params::try_from(&phc).map_err(|_| "Argon2 parameters out of range")?;
        Ok(Self {
            phc,
            variant,
            version,
            memory_cost,
            time_cost,
            parallelism,
            hash_len,
            salt_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Argon2Hasher = Argon2Hasher::new()
        .with_memory_cost(64)
        .with_time_cost(1)
        .with_parallelism(1);

    fn stored(s: &str) -> PasswordHash {
        PasswordHash(s.to_owned())
    }

    #[test]
    fn garbage_neither_verifies_nor_panics() {
        let hashed = PasswordHash::hash("pw", &CHEAP).expect("hash");
        let phc = hashed.as_phc_str();
        let garbage = [
            "",
            "$",
            "$$$$$$$$",
            "pw",
            "$argon2id",
            "$argon2id$",
            "$argon2id$v=19",
            "$argon2id$v=19$m=64,t=1,p=1",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ",
            "$argon2id$v=19$m=64,t=1,p=1$$",
            "$argon2id$v=99$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=0,t=0,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=64,t=1,p=1,keyid=AAAA$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=4294967295,t=4294967295,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=4194304,t=5,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=-1,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNo",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo$extra",
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
            "pbkdf2_sha256$870000$salt$hash",
            "$argon2id$v=19$m=65536,t=3,p=4$ünïcödé$ünïcödé",
            "\0\0\0",
        ];
        for input in garbage {
            let candidate = stored(input);
            assert!(!candidate.verify("pw"), "{input:?} verified");
            assert!(!candidate.needs_rehash(&CHEAP), "{input:?} needs a rehash");
            assert!(PasswordHash::parse(input).is_err(), "{input:?} parsed");
        }
        // every prefix of a real hash, and the hash with one character left out: some
        // still parse (a shorter salt or hash), none verifies
        let damaged = (0..phc.len())
            .map(|i| phc[..i].to_owned())
            .chain((0..phc.len()).map(|i| format!("{}{}", &phc[..i], &phc[i + 1..])));
        for input in damaged {
            let candidate = stored(&input);
            assert!(!candidate.verify("pw"), "{input:?} verified");
            let _ = (candidate.needs_rehash(&CHEAP), PasswordHash::parse(&input));
        }
    }

    #[test]
    fn needs_rehash_compares_every_parameter() {
        let hashed = PasswordHash::hash("pw", &CHEAP).expect("hash");
        assert!(!hashed.needs_rehash(&CHEAP));
        for other in [
            CHEAP.with_variant(Argon2Variant::Argon2i),
            CHEAP.with_time_cost(2),
            CHEAP.with_memory_cost(128),
            CHEAP.with_parallelism(2),
            CHEAP.with_hash_len(16),
            CHEAP.with_salt_len(8),
        ] {
            assert!(hashed.needs_rehash(&other), "{other:?}");
            let rehashed = PasswordHash::hash("pw", &other).expect("hash");
            assert!(rehashed.verify("pw") && !rehashed.verify("px"), "{other:?}");
            assert!(!rehashed.needs_rehash(&other), "{other:?}");
        }
    }

    #[test]
    fn version_16_is_verified_and_stale() {
        // made by argon2-cffi (low_level.hash_secret, version=16) for the password "old"
        let v16 = "$argon2id$v=16$m=1024,t=1,p=1$lL/8fVd4iIn4nws4u16iUg$P/ndIZBapJhVUVnvTH6wm3ZvE8p89jVrADfv/3TWBjc";
        let none = v16.replace("$v=16$", "$");
        let cheap = CHEAP.with_memory_cost(1024);
        for hashed in [stored(v16), stored(&none)] {
            assert!(hashed.verify("old") && !hashed.verify("new"));
            assert!(hashed.needs_rehash(&cheap));
            assert!(PasswordHash::parse(hashed.as_phc_str()).is_ok());
        }
        // the same hash claimed as version 19 must not verify
        assert!(!stored(&v16.replace("v=16", "v=19")).verify("old"));
    }

    #[test]
    fn invalid_hashers_are_refused() {
        for (hasher, needle) in [
            (CHEAP.with_time_cost(0), "time_cost"),
            (CHEAP.with_parallelism(0), "parallelism"),
            (CHEAP.with_parallelism(1 << 24), "parallelism"),
            (CHEAP.with_parallelism(16), "memory_cost"),
            (CHEAP.with_memory_cost(4), "memory_cost"),
            (
                CHEAP.with_memory_cost(PasswordHash::MAX_MEMORY_COST + 1),
                "MAX_MEMORY_COST",
            ),
            (
                CHEAP.with_memory_cost(1 << 20).with_time_cost(17),
                "MAX_TOTAL_COST",
            ),
            (CHEAP.with_hash_len(9), "hash_len"),
            (CHEAP.with_hash_len(65), "hash_len"),
            (CHEAP.with_salt_len(7), "salt_len"),
            (CHEAP.with_salt_len(49), "salt_len"),
        ] {
            let err = PasswordHash::hash("pw", &hasher).expect_err("invalid");
            assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
            assert!(err.to_string().contains(needle), "{err}");
        }
        // the extremes that are allowed
        for hasher in [
            CHEAP.with_hash_len(10).with_salt_len(8),
            CHEAP.with_hash_len(64).with_salt_len(48),
        ] {
            let hashed = PasswordHash::hash("pw", &hasher).expect("hash");
            assert!(hashed.verify("pw"));
            assert!(hashed.as_phc_str().len() <= 255);
        }
    }

    #[test]
    fn debug_hides_the_hash() {
        let hashed = PasswordHash::hash("pw", &CHEAP).expect("hash");
        assert_eq!(format!("{hashed:?}"), "PasswordHash(argon2id, ..)");
        assert_eq!(
            format!("{:?}", stored("my password in clear")),
            "PasswordHash(not argon2, ..)"
        );
    }
}
