//! The OpenPGP symmetric-key message PostgreSQL's `pgp_sym_encrypt` writes, written and
//! read on the client.
//!
//! A message is a symmetric-key encrypted session key packet (version 4: cipher and S2K
//! specifier, optionally an encrypted session key when `sess-key=1`) followed by a
//! symmetrically encrypted integrity protected data packet (version 1). Its plaintext is
//! a random block, its last two bytes repeated (the "quick check" of the key), the data
//! packets, and a modification detection code packet: SHA-1 over everything before the
//! hash. The data is a literal data packet, possibly inside a compressed data packet.

use super::cipher::{BLOCK, Cipher};
use super::packet::{self, Packet};
use super::s2k::{PG_COUNTS, S2k};
use sha2::Digest;
use zeroize::Zeroizing;

/// The MDC packet's header: new-format tag 19, length 20.
const MDC_HEADER: [u8; 2] = [0xd3, 0x14];
const MDC_LEN: usize = 22;
/// The largest plaintext a compressed message may inflate to (PostgreSQL values are at
/// most 1 GB; a column of this type holds far less).
const INFLATE_LIMIT: usize = 256 << 20;

/// A parsed (still encrypted) message.
pub(crate) struct Message {
    cipher: Cipher,
    s2k: S2k,
    /// The session key encrypted with the S2K key, when there is one.
    encrypted_key: Option<Vec<u8>>,
    /// The integrity protected packet's ciphertext (after its version byte).
    data: Vec<u8>,
}

impl Message {
    /// The packets of a binary message; `None` unless it is one password-encrypted,
    /// integrity protected message in a supported cipher.
    pub(super) fn parse(bytes: &[u8]) -> Option<Self> {
        let packets = packet::read_all(bytes)?;
        let [
            Packet {
                tag: packet::SKESK,
                body: skesk,
            },
            Packet {
                tag: packet::SEIPD,
                body: seipd,
            },
        ] = &packets[..]
        else {
            // (such as tag 9, data without integrity protection: tampering would go unnoticed)
            return None;
        };
        let (&version, mut rest) = skesk.split_first()?;
        let (&cipher, tail) = rest.split_first()?;
        rest = tail;
        let s2k = S2k::read(&mut rest)?;
        let (&seipd_version, data) = seipd.split_first()?;
        if version != 4 || seipd_version != 1 {
            return None;
        }
        Some(Self {
            cipher: Cipher::from_id(cipher)?,
            s2k,
            encrypted_key: (!rest.is_empty()).then(|| rest.to_vec()),
            data: data.to_vec(),
        })
    }

    /// The literal data, if `passphrase` decrypts the message and it is intact.
    pub(super) fn decrypt(&self, passphrase: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let key = self.s2k.derive(passphrase, self.cipher.key_len());
        let (cipher, key) = match &self.encrypted_key {
            None => (self.cipher, key),
            Some(encrypted) => {
                let mut session = Zeroizing::new(encrypted.clone());
                self.cipher.decrypt(&key, &mut session)?;
                let (&id, session_key) = session.split_first()?;
                let cipher = Cipher::from_id(id)?;
                if session_key.len() != cipher.key_len() {
                    return None;
                }
                (cipher, Zeroizing::new(session_key.to_vec()))
            }
        };
        let mut plain = Zeroizing::new(self.data.clone());
        if plain.len() < BLOCK + 2 + MDC_LEN {
            return None;
        }
        cipher.decrypt(&key, &mut plain)?;
        if plain[BLOCK - 2..BLOCK] != plain[BLOCK..BLOCK + 2] {
            return None; // the quick check: almost always a wrong key
        }
        let (hashed, mdc) = plain.split_at(plain.len() - (MDC_LEN - 2));
        if !hashed.ends_with(&MDC_HEADER) || sha1::Sha1::digest(hashed)[..] != *mdc {
            return None;
        }
        literal(&hashed[BLOCK + 2..hashed.len() - 2], true)
    }
}

/// The data of the one literal packet in `packets`, or of the one compressed packet
/// holding it (when `may_be_compressed`).
fn literal(packets: &[u8], may_be_compressed: bool) -> Option<Zeroizing<Vec<u8>>> {
    let packets = packet::read_all(packets)?;
    let [Packet { tag, body }] = &packets[..] else {
        return None;
    };
    let body = Zeroizing::new(body.clone());
    match *tag {
        packet::LITERAL => {
            // format ('t' text and 'u' UTF-8 as pgp_sym_encrypt writes; 'b' binary as
            // pgp_sym_encrypt_bytea does), file name, date, data
            let (&format, rest) = body.split_first()?;
            let (&name_len, rest) = rest.split_first()?;
            let data = rest.get(usize::from(name_len) + 4..)?;
            matches!(format, b't' | b'u' | b'b').then(|| Zeroizing::new(data.to_vec()))
        }
        packet::COMPRESSED if may_be_compressed => {
            let (&algo, compressed) = body.split_first()?;
            let inflated = match algo {
                0 => compressed.to_vec(),
                1 => miniz_oxide::inflate::decompress_to_vec_with_limit(compressed, INFLATE_LIMIT)
                    .ok()?,
                2 => miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(
                    compressed,
                    INFLATE_LIMIT,
                )
                .ok()?,
                _ => return None, // BZip2: PostgreSQL does not write it
            };
            literal(&Zeroizing::new(inflated), false)
        }
        _ => None,
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // As for the other backends' IVs and nonces: no usable random source is fatal.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    bytes
}

/// `pgp_sym_encrypt(plaintext, passphrase)` with PostgreSQL's defaults: AES-128 keyed by
/// iterated and salted SHA-1 S2K (fresh salt, a count in PostgreSQL's range), no
/// separate session key, no compression, a text literal packet, integrity protection.
pub(super) fn encrypt(passphrase: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let [count] = random::<1>();
    let coded_count = PG_COUNTS.start() | (count & (PG_COUNTS.end() - PG_COUNTS.start()));
    let s2k = S2k::pg_default(random(), coded_count);
    let cipher = Cipher::Aes128;
    let key = s2k.derive(passphrase, cipher.key_len());

    let mut skesk = vec![4, cipher.id()];
    s2k.write_iterated(&mut skesk, coded_count);

    let date = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    let mut literal = Zeroizing::new(Vec::with_capacity(plaintext.len() + 6));
    literal.extend_from_slice(&[b't', 0]);
    literal.extend_from_slice(&date.to_be_bytes());
    literal.extend_from_slice(plaintext);

    let prefix: [u8; BLOCK] = random();
    let mut plain = Zeroizing::new(Vec::with_capacity(plaintext.len() + 64));
    plain.extend_from_slice(&prefix);
    plain.extend_from_slice(&prefix[BLOCK - 2..]);
    packet::write(&mut plain, packet::LITERAL, &literal);
    plain.extend_from_slice(&MDC_HEADER);
    let mdc = sha1::Sha1::digest(&plain[..]);
    plain.extend_from_slice(&mdc);
    let mut seipd = Vec::with_capacity(plain.len() + 1);
    seipd.push(1);
    seipd.extend_from_slice(&plain);
    cipher
        .encrypt(&key, &mut seipd[1..])
        .expect("S2K derived a key of the cipher's length");

    let mut message = Vec::with_capacity(seipd.len() + 24);
    packet::write(&mut message, packet::SKESK, &skesk);
    packet::write(&mut message, packet::SEIPD, &seipd);
    message
}
