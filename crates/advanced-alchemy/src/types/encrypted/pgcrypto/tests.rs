//! Messages PostgreSQL 15's pgcrypto wrote (`armor(pgp_sym_encrypt('pgcrypto ✓ ' ||
//! options, 'c2VjcmV0', options))`, `c2VjcmV0` being `passphrase("secret")`), and the
//! shape of what this crate writes. The integration tests check both directions against
//! a live PostgreSQL.

use super::super::{EncryptionError, Keyring};
use super::armor;
use super::message::Message;
use super::packet;

/// (options, message): each decrypts to `"pgcrypto ✓ " + options`.
const PG_MESSAGES: &[(&str, &str)] = &[
    (
        "",
        "ww0EBwMCOsU1KG0rqjB70j4BkBxepGXeSSHQgTl2uwJcCUQ+F0tiPla4k8ANZXbysQBWnpJTVU11
gvxj1in85wvJ7lLVA24A8kSuWkcQww==
=dm4M",
    ),
    (
        "cipher-algo=aes256",
        "ww0ECQMCKnJN4HB8jxN40lABkux0FcGLpOHKRqCKq01AahszREjvnNySiCHw9m6e4bxC384bBzih
McuHSdO3yS5vIjfkK76wHkIU05TZ/cbM2/ZAVq/K0SAosQIEaePaAA==
=6Opt",
    ),
    (
        "cipher-algo=aes192, s2k-digest-algo=md5",
        "ww0ECAMB/A3qqNukXHl90mUBfPfR6pxr8E7pz6mFFOR7HRZiLyHV7Cdxn88I4wuP1lFIIH8sxHcN
YyVlqwUHqjbkZ8RyhqS1c04cO1MxZKXGCDwYe9HDS5Azi3ck9XFt54bnYT9sNgA3ITY+pnsX0HpW
8l2ciQ==
=ZR/E",
    ),
    (
        "compress-algo=1",
        "ww0EBwMCnFb0ymbxjc9u0lIBF+nF3nrkaWIbD44XqXmgdXOpJuUt/oivbhJmXROLJ746EKtCQjEd
pF6rYoeRG1c2Jb+sIJ86YS+OvCydOimJKin0ZNDUakB/dfF+EonjVUAp
=6XSg",
    ),
    (
        "compress-algo=2, cipher-algo=aes256",
        "ww0ECQMClf3laCEQhdt10mgBb91Atrxv/Uk8HrqWECMkHCp9fk1//xDz6Pappd/nwXZruKl0NFeI
GDbJ4SiJGM3SQJBU/d5dOeWkJ2bqnkUInH2lq29zfs+Vh+o80K5rBTsgLlkfmwGeYa4tn6kOeTrN
crwHZTZGxw==
=l9jq",
    ),
    (
        "sess-key=1",
        "wx4EBwMCTIgwrQdEY+d7ZVcr39paFp90U5tp9QRR9/XSSAEqHQqbyg2SqQUJRuJ4klVzlZpKRDtf
th7n+TDLOIabtHlKVNcOP6xc1NTbrck6f4bmviaXSuiei9gcc9pO1ujuE8UYHTnYbw==
=i087",
    ),
    (
        "sess-key=1, s2k-cipher-algo=aes256, cipher-algo=aes128",
        "wx4ECQMCcLIZTtYNm3prDPLAv9HkH97n8gL2Xgoix1bSdAGzm9F7rYaQYCOWV/FYImdm0T+e8beo
jwnZoEfmeKqOboRfBSb3tYIGuN6YyfMSgFB3W2noNEpzYUnX3jM25t96OQWGM/HW5IRCz92TZWg1
DU2lKzOrX87mHaZ+WPp9YMoZJtKLVkAIqL09CX5kbCm0XZ4x
=BBKl",
    ),
    (
        "s2k-mode=0",
        "wwQEBwAC0kgB/nKyrw9aPCPgnbUWCATEXvtAF9I08oxx0+hzaKZL38QiBzrHmlgYEMaINEfp0ZIo
xhDhknhKhPSbiQNuOGlBqEdYj1Rmnzc=
=Jph6",
    ),
    (
        "s2k-mode=1",
        "wwwEBwECP+1eg4zbq1TSSAFnNFK7kiUsrUEfHya4QRz4wzmsBjD51d9I+wbQ0iR8lx46ZDy5aGAz
PfRw/up7eNsLnxhtOUfoeK7JRGNhdw0PRL0Af2PrSA==
=5RlC",
    ),
    (
        "unicode-mode=1",
        "ww0EBwMCAwuGyguhVKp20kwB/DWnwrbbCPoABiZY/OHwhmfoJQDo9ckHlvRV5iTYU1Gsl2yGLFN2
boYRH3YCyGTuumE2KcGzkprwegBlxTHIwqZRmPjN+tABfxsB
=9Ubm",
    ),
    (
        "s2k-count=1024",
        "ww0EBwMC/48NAGF+RywA0kwB7T/gMk5isXs9qbVQEIUqS0EgxAzAED9nW8RngH5Az0RlFcG+gamW
0r6n7uf0DLbj6Rwi4sln+Ey7wrWqjzL3U/uDfljXPYBajNTe
=NYiJ",
    ),
];

/// `compress-algo=2` over `'pgcrypto ✓ long ' || repeat('0123456789', 100)`.
const PG_COMPRESSED_LONG: &str =
    "ww0EBwMCmGgwjRGqHbRl0mIBHk/cTYtKFUDBHmMWsVYixgrjP1pT9p+bkXD0aTnoVNyJHtXmCH1u
4OzUfQgfYjIXVpLHgDgq+04cvTU5pR7cc6H7k17muKMCZu7OCRA2+HLpHfvC9TAFOvW4B83kIUX5
oQ==
=cfCi";

/// Options this crate does not read: Blowfish, and no integrity protection.
const PG_UNSUPPORTED: &[&str] = &[
    "ww0EBAMCBAzWovdSQ/d+0kQB79J8BXmv8y7zLsshdABrBuS2cGdjcnlwdG8g4pyTIGNpcGhlci1h
bGdvPWJm0xSWhUFXYDZSxfUDuA0r50AdWQdnIA==
=ns/u",
    "ww0EBwMCvzyrw9aDmCx4yTSjROzX14BvpH+/08pELFA7LXuN/xf+94Qt36ZasboN1tvq5gANIaWj
E0kIF22H5HIrWDsE
=WT4G",
];

/// `pgp_sym_encrypt_bytea`: binary literal data, `'bytes ✓'` and `'\x00ff'`.
const PG_BYTEA_UTF8: &str =
    "ww0EBwMCArKutB3mpsZn0joBAvIMHfnKhGglEmhalqfpEwqSazKG/kvU7cDzg8FtWKzWEvay1Cqz
9UQ9TIreVuOIFLvCtuNsckTR
=1oxW";
const PG_BYTEA_BINARY: &str =
    "ww0EBwMCAmNOhPBpDr9h0jMB3jDzS4FdUTTNRRfgIm0IALsG1StbprgJBweL7K+1RXm+GVQ+1wfN
cEsljO+QHom0kic=
=65P5";

fn armored(body: &str) -> String {
    format!("-----BEGIN PGP MESSAGE-----\n\n{body}\n-----END PGP MESSAGE-----\n")
}

#[test]
fn postgres_messages_decrypt() {
    let keyring = Keyring::pgcrypto("secret");
    for (options, body) in PG_MESSAGES {
        assert_eq!(
            keyring.decrypt(&armored(body)).as_deref(),
            Ok(format!("pgcrypto ✓ {options}").as_str()),
            "{options}"
        );
    }
    let long = format!("pgcrypto ✓ long {}", "0123456789".repeat(100));
    assert_eq!(keyring.decrypt(&armored(PG_COMPRESSED_LONG)), Ok(long));
    assert_eq!(
        keyring.decrypt(&armored(PG_BYTEA_UTF8)).as_deref(),
        Ok("bytes ✓")
    );
    assert_eq!(
        keyring.decrypt(&armored(PG_BYTEA_BINARY)),
        Err(EncryptionError::NotUtf8 { column: None })
    );
}

#[test]
fn unsupported_options_and_wrong_keys_are_errors() {
    for body in PG_UNSUPPORTED {
        assert_eq!(
            Keyring::pgcrypto("secret").decrypt(&armored(body)),
            Err(EncryptionError::Decrypt { column: None })
        );
    }
    for (options, body) in PG_MESSAGES {
        assert_eq!(
            Keyring::pgcrypto("Secret").decrypt(&armored(body)),
            Err(EncryptionError::Decrypt { column: None }),
            "{options}"
        );
    }
}

/// The packets of an armored message.
fn packets(token: &str) -> Vec<packet::Packet> {
    packet::read_all(&armor::decode(token).expect("armored")).expect("framed")
}

#[test]
fn written_like_postgres_defaults() {
    let keyring = Keyring::pgcrypto("secret");
    let a = keyring.encrypt("same ✓");
    let b = keyring.encrypt("same ✓");
    // SKESK v4, AES-128, iterated and salted SHA-1: the bytes PostgreSQL starts with
    assert!(
        a.starts_with("-----BEGIN PGP MESSAGE-----\n\nww0EBwMC"),
        "{a}"
    );
    let (pa, pb) = (packets(&a), packets(&b));
    assert_eq!(pa.len(), 2);
    assert_eq!((pa[0].tag, pa[1].tag), (packet::SKESK, packet::SEIPD));
    assert_eq!(pa[0].body[..4], [4, 7, 3, 2]);
    assert!(
        (0x60..=0x7f).contains(&pa[0].body[12]),
        "PostgreSQL's count range"
    );
    assert_ne!(pa[0].body[4..12], pb[0].body[4..12], "fresh salt");
    assert_ne!(pa[1].body[1..17], pb[1].body[1..17], "fresh prefix");
    assert_eq!(pa[1].body[0], 1);
    // the plaintext, decrypted by hand: a text literal packet, then the MDC packet
    let message = Message::from_armored(&a).expect("parses");
    let literal = message.decrypt(b"c2VjcmV0").expect("decrypts");
    assert_eq!(&literal[..], "same ✓".as_bytes());
    assert_eq!(keyring.decrypt(&a).as_deref(), Ok("same ✓"));
    assert_eq!(keyring.decrypt(&keyring.encrypt("")).as_deref(), Ok(""));
    let long = "long ✓ ".repeat(2_000);
    assert_eq!(keyring.decrypt(&keyring.encrypt(&long)), Ok(long));
}

#[test]
fn tampering_anywhere_is_an_error() {
    let keyring = Keyring::pgcrypto("secret");
    let token = keyring.encrypt("tamper with me");
    let bytes = armor::decode(&token).expect("armored");
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x01; // (keeps the S2K count small)
        let token = armor::encode(&tampered); // a valid checksum: only the MDC can tell
        assert!(keyring.decrypt(&token).is_err(), "byte {i}");
    }
    let mut truncated = bytes.clone();
    truncated.pop();
    assert!(keyring.decrypt(&armor::encode(&truncated)).is_err());
    let mut extended = bytes;
    extended.push(0);
    assert!(keyring.decrypt(&armor::encode(&extended)).is_err());
    // the armor's checksum catches a changed character before any decryption
    let flipped = token.replacen("ww0E", "ww0F", 1);
    assert!(armor::decode(&flipped).is_none());
    assert!(keyring.decrypt(&flipped).is_err());
}

#[test]
fn rotation_between_backends() {
    let fernet_token = Keyring::fernet("old").encrypt("from fernet");
    let keyring = Keyring::pgcrypto("new").with_old_keys(Keyring::fernet("old"));
    assert_eq!(keyring.decrypt(&fernet_token).as_deref(), Ok("from fernet"));
    let fresh = keyring.encrypt("x");
    assert!(fresh.starts_with("-----BEGIN PGP MESSAGE-----"));
    assert!(Keyring::fernet("old").decrypt(&fresh).is_err());
    // and back, with two pgcrypto keys tried in turn
    let back = Keyring::aead([1; 32])
        .with_old_keys(Keyring::pgcrypto("other"))
        .with_old_keys(Keyring::pgcrypto("new"));
    assert_eq!(back.decrypt(&fresh).as_deref(), Ok("x"));
    assert_eq!(
        format!("{back:?}"),
        r#"Keyring { current: "xchacha20poly1305", old_keys: 2 }"#
    );
}
