//! The symmetric ciphers: AES-128/192/256 in OpenPGP's CFB mode with a zero IV (the
//! random prefix of the data plays the IV's part), which is plain CFB-128 for the
//! integrity-protected packets PostgreSQL writes. `cipher-algo=bf`, `3des` and `cast5`
//! are not supported.

use aes::{Aes128, Aes192, Aes256};
use cfb_mode::cipher::{AsyncStreamCipher, BlockCipher, BlockEncryptMut, KeyIvInit};

/// The block size of every supported cipher.
pub(super) const BLOCK: usize = 16;

/// A supported symmetric algorithm (RFC 4880 §9.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cipher {
    Aes128,
    Aes192,
    Aes256,
}

impl Cipher {
    pub(super) fn from_id(id: u8) -> Option<Self> {
        match id {
            7 => Some(Cipher::Aes128),
            8 => Some(Cipher::Aes192),
            9 => Some(Cipher::Aes256),
            _ => None,
        }
    }

    pub(super) fn id(self) -> u8 {
        match self {
            Cipher::Aes128 => 7,
            Cipher::Aes192 => 8,
            Cipher::Aes256 => 9,
        }
    }

    pub(super) fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
        }
    }

    /// Encrypts `data` in place; `None` if `key` is not [`key_len`](Self::key_len) bytes.
    pub(super) fn encrypt(self, key: &[u8], data: &mut [u8]) -> Option<()> {
        match self {
            Cipher::Aes128 => run::<Aes128>(key, data, true),
            Cipher::Aes192 => run::<Aes192>(key, data, true),
            Cipher::Aes256 => run::<Aes256>(key, data, true),
        }
    }

    /// Decrypts `data` in place; `None` if `key` is not [`key_len`](Self::key_len) bytes.
    pub(super) fn decrypt(self, key: &[u8], data: &mut [u8]) -> Option<()> {
        match self {
            Cipher::Aes128 => run::<Aes128>(key, data, false),
            Cipher::Aes192 => run::<Aes192>(key, data, false),
            Cipher::Aes256 => run::<Aes256>(key, data, false),
        }
    }
}

fn run<C>(key: &[u8], data: &mut [u8], encrypt: bool) -> Option<()>
where
    C: BlockEncryptMut + BlockCipher + cfb_mode::cipher::KeyInit,
{
    let iv = [0u8; BLOCK];
    if encrypt {
        cfb_mode::Encryptor::<C>::new_from_slices(key, &iv)
            .ok()?
            .encrypt(data);
    } else {
        cfb_mode::Decryptor::<C>::new_from_slices(key, &iv)
            .ok()?
            .decrypt(data);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_cfb128_vector() {
        // NIST SP 800-38A F.3.13 (CFB128-AES128.Encrypt), with the vector's IV folded
        // into a first block: CFB with a zero IV whose first plaintext block is
        // E(0) xor IV yields the IV as first ciphertext block.
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c");
        let iv = hex("000102030405060708090a0b0c0d0e0f");
        let plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
        let expected = hex("3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b");
        let mut zero_block = [0u8; BLOCK];
        Cipher::Aes128
            .encrypt(&key, &mut zero_block)
            .expect("key length");
        let mut data: Vec<u8> = zero_block.iter().zip(&iv).map(|(a, b)| a ^ b).collect();
        data.extend_from_slice(&plain);
        Cipher::Aes128.encrypt(&key, &mut data).expect("key length");
        assert_eq!(data[..BLOCK], iv[..]);
        assert_eq!(data[BLOCK..], expected[..]);
        Cipher::Aes128.decrypt(&key, &mut data).expect("key length");
        assert_eq!(data[BLOCK..], plain[..]);
    }

    #[test]
    fn ids_key_lengths_and_partial_blocks() {
        for cipher in [Cipher::Aes128, Cipher::Aes192, Cipher::Aes256] {
            assert_eq!(Cipher::from_id(cipher.id()), Some(cipher));
            let key = vec![7u8; cipher.key_len()];
            let mut data = b"not a whole number of blocks".to_vec();
            cipher.encrypt(&key, &mut data).expect("key length");
            assert_ne!(&data[..], b"not a whole number of blocks");
            cipher.decrypt(&key, &mut data).expect("key length");
            assert_eq!(&data[..], b"not a whole number of blocks");
            assert!(cipher.encrypt(&key[1..], &mut data).is_none());
        }
        for unsupported in [0, 1, 2, 3, 4, 10, 255] {
            assert_eq!(Cipher::from_id(unsupported), None);
        }
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }
}
