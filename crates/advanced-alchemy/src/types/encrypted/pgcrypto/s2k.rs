//! String-to-key (RFC 4880 §3.7): the passphrase and a salt hashed into a cipher key.
//!
//! PostgreSQL writes iterated and salted S2K over SHA-1 by default (`s2k-mode=3`,
//! `s2k-digest-algo=sha1`) and can write simple and salted S2K or MD5 on request; all of
//! these read here, as do SHA-224/256/384/512, which other OpenPGP tools use.

use sha2::Digest;
use zeroize::Zeroizing;

/// PostgreSQL's default range of iteration counts, as coded count bytes: 65,536 to 253,952
/// bytes hashed.
pub(super) const PG_COUNTS: std::ops::RangeInclusive<u8> = 0x60..=0x7f;

/// A hash function an S2K specifier may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Hash {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Hash::Md5,
            2 => Hash::Sha1,
            8 => Hash::Sha256,
            9 => Hash::Sha384,
            10 => Hash::Sha512,
            11 => Hash::Sha224,
            _ => return None,
        })
    }
}

/// A parsed S2K specifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct S2k {
    hash: Hash,
    salt: Vec<u8>,
    /// Bytes to hash: `None` for simple and salted S2K (salt and passphrase once).
    count: Option<usize>,
}

/// The number of bytes a coded count byte stands for.
fn decode_count(coded: u8) -> usize {
    (16 + usize::from(coded & 15)) << ((coded >> 4) + 6)
}

impl S2k {
    /// Iterated and salted SHA-1, as PostgreSQL writes it.
    pub(super) fn pg_default(salt: [u8; 8], coded_count: u8) -> Self {
        Self {
            hash: Hash::Sha1,
            salt: salt.to_vec(),
            count: Some(decode_count(coded_count)),
        }
    }

    /// Reads a specifier from the front of `input`.
    pub(super) fn read(input: &mut &[u8]) -> Option<Self> {
        let (&mode, rest) = input.split_first()?;
        let (&hash, rest) = rest.split_first()?;
        let hash = Hash::from_id(hash)?;
        let (salt, count, rest): (&[u8], _, _) = match mode {
            0 => (&[], None, rest),
            1 => {
                let (salt, rest) = rest.split_at_checked(8)?;
                (salt, None, rest)
            }
            3 => {
                let (salt, rest) = rest.split_at_checked(8)?;
                let (&coded, rest) = rest.split_first()?;
                (salt, Some(decode_count(coded)), rest)
            }
            _ => return None,
        };
        *input = rest;
        Some(Self {
            hash,
            salt: salt.to_vec(),
            count,
        })
    }

    /// The specifier's bytes (for iterated S2K only, the one this crate writes).
    pub(super) fn write_iterated(&self, out: &mut Vec<u8>, coded_count: u8) {
        out.extend_from_slice(&[3, 2]);
        out.extend_from_slice(&self.salt);
        out.push(coded_count);
    }

    /// A `len`-byte key from `passphrase`.
    pub(super) fn derive(&self, passphrase: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
        match self.hash {
            Hash::Md5 => self.derive_with::<md5::Md5>(passphrase, len),
            Hash::Sha1 => self.derive_with::<sha1::Sha1>(passphrase, len),
            Hash::Sha224 => self.derive_with::<sha2::Sha224>(passphrase, len),
            Hash::Sha256 => self.derive_with::<sha2::Sha256>(passphrase, len),
            Hash::Sha384 => self.derive_with::<sha2::Sha384>(passphrase, len),
            Hash::Sha512 => self.derive_with::<sha2::Sha512>(passphrase, len),
        }
    }

    /// Hashes salt ‖ passphrase (repeated up to `count` bytes when iterated) once per
    /// digest the key needs, the n-th hash preloaded with n zero bytes.
    fn derive_with<D: Digest>(&self, passphrase: &[u8], len: usize) -> Zeroizing<Vec<u8>> {
        let unit = self.salt.len() + passphrase.len();
        let total = match self.count {
            _ if unit == 0 => 0,
            Some(count) => count.max(unit),
            None => unit,
        };
        let mut key = Zeroizing::new(Vec::with_capacity(len + 64));
        let mut preload = 0;
        while key.len() < len {
            let mut hash = D::new();
            for _ in 0..preload {
                hash.update([0u8]);
            }
            let mut left = total;
            while left > 0 {
                for part in [&self.salt[..], passphrase] {
                    let n = left.min(part.len());
                    hash.update(&part[..n]);
                    left -= n;
                }
            }
            key.extend_from_slice(&hash.finalize());
            preload += 1;
        }
        key.truncate(len);
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coded_counts() {
        assert_eq!(decode_count(0x60), 65_536);
        assert_eq!(decode_count(0x7f), 253_952);
        assert_eq!(decode_count(0), 1_024);
        assert_eq!(decode_count(0xff), 65_011_712);
    }

    #[test]
    fn specifiers_read_and_write() {
        let s2k = S2k::pg_default([1, 2, 3, 4, 5, 6, 7, 8], 0x60);
        let mut bytes = Vec::new();
        s2k.write_iterated(&mut bytes, 0x60);
        bytes.push(0xaa);
        let mut input = &bytes[..];
        assert_eq!(S2k::read(&mut input), Some(s2k));
        assert_eq!(input, [0xaa]);
        let mut simple: &[u8] = &[0, 1];
        assert!(S2k::read(&mut simple).is_some_and(|s| s.salt.is_empty() && s.count.is_none()));
        for bad in [&[3, 2, 1][..], &[1, 2], &[2, 2], &[0, 3], &[]] {
            let mut input = bad;
            assert_eq!(S2k::read(&mut input), None, "{bad:?}");
        }
    }

    #[test]
    fn simple_s2k_is_the_plain_hash_and_long_keys_preload_zeros() {
        let s2k = S2k::read(&mut &[0, 2][..]).expect("simple SHA-1");
        let key = s2k.derive(b"pw", 32);
        assert_eq!(key[..20], sha1::Sha1::digest(b"pw")[..]);
        assert_eq!(key[20..], sha1::Sha1::digest(b"\0pw")[..12]);
    }

    #[test]
    fn iterated_s2k_hashes_count_bytes() {
        let s2k = S2k::pg_default(*b"saltsalt", 0x00); // 1,024 bytes
        let repeated: Vec<u8> = b"saltsaltpassword"
            .iter()
            .copied()
            .cycle()
            .take(1024)
            .collect();
        assert_eq!(
            s2k.derive(b"password", 16)[..],
            sha1::Sha1::digest(&repeated)[..16]
        );
        // a count below one salt + passphrase still hashes them once
        let short = S2k {
            count: Some(3),
            ..s2k
        };
        assert_eq!(
            short.derive(b"pw", 20)[..],
            sha1::Sha1::digest(b"saltsaltpw")[..]
        );
    }
}
