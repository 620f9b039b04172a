use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use hmac::{KeyInit, Mac};
use std::sync::Arc;

/// The secret of the Fernet specification's test vectors (github.com/fernet/spec).
const SPEC_SECRET: &str = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
/// `generate.json`/`verify.json`: "hello" at 1985-10-26T01:20:00-07:00, IV 0..=15.
const SPEC_TOKEN: &str = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";

fn b64(s: &str) -> Vec<u8> {
    URL_SAFE.decode(s).unwrap()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[test]
fn fernet_spec_vector_decrypts() {
    let keyring = Keyring::fernet_key(SPEC_SECRET).unwrap();
    assert_eq!(keyring.decrypt(SPEC_TOKEN).unwrap(), "hello");
}

#[test]
fn fernet_spec_vector_layout() {
    // version, timestamp, IV and HMAC exactly as the spec builds them
    let token = b64(SPEC_TOKEN);
    let secret = b64(SPEC_SECRET);
    assert_eq!(token[0], 0x80);
    let timestamp = u64::from_be_bytes(token[1..9].try_into().unwrap());
    assert_eq!(timestamp, 499_162_800); // 1985-10-26T08:20:00Z
    assert_eq!(token[9..25], (0u8..16).collect::<Vec<_>>()[..]);
    let (message, mac) = token.split_at(token.len() - 32);
    assert_eq!(hmac_sha256(&secret[..16], message), mac);
}

#[test]
fn fernet_spec_invalid_tokens_are_errors() {
    let keyring = Keyring::fernet_key(SPEC_SECRET).unwrap();
    // invalid.json, minus the two that are only invalid under a TTL
    for (desc, token) in [
        (
            "incorrect mac",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
        ),
        (
            "too short",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==",
        ),
        (
            "invalid base64",
            "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
        ),
        (
            "payload size not multiple of block size",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm",
        ),
        (
            "payload padding error",
            "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
        ),
        (
            "incorrect IV (causes padding error)",
            "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
        ),
    ] {
        assert_eq!(
            keyring.decrypt(token),
            Err(EncryptionError::Decrypt { column: None }),
            "{desc}"
        );
    }
}

#[test]
fn fernet_passphrase_derivation_is_pythons() {
    // urlsafe_b64encode(sha256(b"key")), checked against Python's hashlib
    let keyring = Keyring::fernet("key");
    let python_key = "LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM=";
    let token = keyring.encrypt("x");
    assert_eq!(
        Keyring::fernet_key(python_key)
            .unwrap()
            .decrypt(&token)
            .unwrap(),
        "x"
    );
}

#[test]
fn fernet_tokens_we_write_follow_the_spec() {
    let keyring = Keyring::fernet("key");
    let secret = b64("LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM=");
    for plaintext in ["", "a", "exactly sixteen!", "ünïcødé ✓"] {
        let text = keyring.encrypt(plaintext);
        assert!(text.len().is_multiple_of(4), "padded base64");
        let token = b64(&text);
        assert_eq!(token[0], 0x80);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let timestamp = u64::from_be_bytes(token[1..9].try_into().unwrap());
        assert!(now.abs_diff(timestamp) < 60);
        let padded = (plaintext.len() / 16 + 1) * 16; // PKCS#7 always pads
        assert_eq!(token.len(), 1 + 8 + 16 + padded + 32);
        let (message, mac) = token.split_at(token.len() - 32);
        assert_eq!(hmac_sha256(&secret[..16], message), mac);
    }
}

fn flip_one_byte(token: &str, backend_payload_start: usize) -> Vec<String> {
    // flip each position's character to another character of the alphabet
    (backend_payload_start..token.len())
        .step_by(7)
        .map(|i| {
            let mut chars: Vec<char> = token.chars().collect();
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            chars.into_iter().collect()
        })
        .collect()
}

#[test]
fn tampered_tokens_are_errors() {
    for keyring in [Keyring::fernet("k"), Keyring::aead([5; 32])] {
        let token = keyring.encrypt("some secret value");
        let start = if token.starts_with("v1.") { 0 } else { 1 };
        for tampered in flip_one_byte(&token, start) {
            if tampered == token {
                continue;
            }
            assert!(keyring.decrypt(&tampered).is_err(), "{tampered}");
        }
        assert!(keyring.decrypt(&token[..token.len() - 4]).is_err());
        assert!(keyring.decrypt("").is_err());
        assert!(keyring.decrypt("v1.x.y").is_err());
        assert!(keyring.decrypt("v1..").is_err());
        assert!(keyring.decrypt("not a token at all").is_err());
    }
}

#[test]
fn aead_header_is_authenticated() {
    let keyring = Keyring::aead([5; 32]);
    let token = keyring.encrypt("x");
    let forged = token.replacen("v1.", "v2.", 1);
    assert!(keyring.decrypt(&forged).is_err());
    let (_, rest) = token.split_once('.').unwrap();
    let (_, payload) = rest.split_once('.').unwrap();
    // the payload under another key id does not decrypt, even with that key present
    let other = Keyring::aead([6; 32]);
    let other_id = other.encrypt("y").split('.').nth(1).unwrap().to_owned();
    let moved = format!("v1.{other_id}.{payload}");
    assert!(keyring.with_old_keys(other).decrypt(&moved).is_err());
}

#[test]
fn wrong_key_is_an_error() {
    let token = Keyring::fernet("right").encrypt("x");
    assert!(matches!(
        Keyring::fernet("wrong").decrypt(&token),
        Err(EncryptionError::Decrypt { column: None })
    ));
    let token = Keyring::aead([1; 32]).encrypt("x");
    assert!(Keyring::aead([2; 32]).decrypt(&token).is_err());
    // a backend's token is not read by the other backend
    assert!(Keyring::fernet("k").decrypt(&token).is_err());
}

#[test]
fn rotation_old_keys_decrypt_current_key_encrypts() {
    let old_fernet = Keyring::fernet("2024");
    let old_aead = Keyring::aead([24; 32]);
    let t1 = old_fernet.encrypt("one");
    let t2 = old_aead.encrypt("two");
    let keyring = Keyring::aead([25; 32])
        .with_old_keys(old_aead.clone())
        .with_old_keys(old_fernet.clone());
    assert_eq!(keyring.decrypt(&t1).unwrap(), "one");
    assert_eq!(keyring.decrypt(&t2).unwrap(), "two");
    let fresh = keyring.encrypt("three");
    assert!(old_aead.decrypt(&fresh).is_err());
    assert!(old_fernet.decrypt(&fresh).is_err());
    assert_eq!(Keyring::aead([25; 32]).decrypt(&fresh).unwrap(), "three");
    assert_eq!(
        format!("{keyring:?}"),
        r#"Keyring { current: "xchacha20poly1305", old_keys: 2 }"#
    );
}

#[test]
fn fresh_nonce_per_value() {
    for keyring in [Keyring::fernet("k"), Keyring::aead([5; 32])] {
        let a = keyring.encrypt("same");
        let b = keyring.encrypt("same");
        assert_ne!(a, b);
        assert_eq!(keyring.decrypt(&a).unwrap(), keyring.decrypt(&b).unwrap());
    }
}

#[test]
fn fernet_timestamps_are_not_checked_like_python_without_ttl() {
    let fernet = ::fernet::Fernet::new(SPEC_SECRET).unwrap();
    let keyring = Keyring::fernet_key(SPEC_SECRET).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for at in [0, now - 86_400 * 365 * 20, now + 3_600, u64::MAX - 3_600] {
        let token = fernet.encrypt_at_time(b"clock", at);
        assert_eq!(keyring.decrypt(&token).unwrap(), "clock", "timestamp {at}");
    }
}

#[test]
fn non_utf8_plaintext_is_an_error() {
    let fernet = ::fernet::Fernet::new(SPEC_SECRET).unwrap();
    let token = fernet.encrypt(&[0xff, 0xfe, 0x00]);
    assert_eq!(
        Keyring::fernet_key(SPEC_SECRET).unwrap().decrypt(&token),
        Err(EncryptionError::NotUtf8 { column: None })
    );
}

#[test]
fn aead_key_reads_either_base64_alphabet() {
    let key: [u8; 32] = std::array::from_fn(|i| (i * 8 + 250) as u8); // has + and / in base64
    let standard = base64::engine::general_purpose::STANDARD.encode(key);
    assert!(standard.contains('+') || standard.contains('/'));
    let token = Keyring::aead(key).encrypt("x");
    for text in [
        standard.clone(),
        URL_SAFE.encode(key),
        standard.trim_end_matches('=').to_owned(),
        format!(" {standard}\n"),
    ] {
        assert_eq!(
            Keyring::aead_key(&text).unwrap().decrypt(&token).unwrap(),
            "x"
        );
    }
    for bad in [
        "",
        "!!!!",
        &URL_SAFE.encode([0u8; 31]),
        &URL_SAFE.encode([0u8; 33]),
    ] {
        assert!(matches!(
            Keyring::aead_key(bad),
            Err(EncryptionError::InvalidKey(_))
        ));
    }
}

#[test]
fn aead_from_secret_is_stable_and_distinct() {
    let token = Keyring::aead_from_secret("s").encrypt("x");
    assert_eq!(Keyring::aead_from_secret("s").decrypt(&token).unwrap(), "x");
    assert!(Keyring::aead_from_secret("t").decrypt(&token).is_err());
    assert!(
        Keyring::aead(*b"sssssssssssssssssssssssssssssss\0")
            .decrypt(&token)
            .is_err()
    );
}

struct Limited;
impl EncryptionKey for Limited {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("limited"));
        K.load()
    }
    const MAX_LEN: Option<usize> = Some(5);
}

#[test]
fn max_len_counts_characters() {
    assert!(EncryptedString::<Limited>::new("ééééé").is_ok());
    let err = EncryptedText::<Limited>::new("123456").unwrap_err();
    assert!(matches!(
        err,
        crate::Error::Encryption(EncryptionError::TooLong { len: 6, max: 5 })
    ));
    assert_eq!(
        err.to_string(),
        "unencrypted value is 6 characters long, more than the maximum of 5"
    );
}

#[test]
fn debug_never_shows_the_plaintext() {
    let s = EncryptedString::<Limited>::new("hunt2").unwrap();
    let t = EncryptedText::<Limited>::new("hunt2").unwrap();
    assert_eq!(
        format!("{s:?} {s:#?}"),
        "EncryptedString(***) EncryptedString(***)"
    );
    assert_eq!(format!("{:?}", Some(t)), "Some(EncryptedText(***))");
}

#[test]
fn value_round_trip() {
    let v = EncryptedString::<Limited>::new("abc").unwrap();
    let value = Value::from(v.clone());
    let Value::String(Some(token)) = &value else {
        panic!("{value:?}")
    };
    assert!(token.starts_with("gAAAAA"));
    assert_eq!(
        <EncryptedString<Limited> as ValueType>::try_from(value).unwrap(),
        v
    );
    assert!(
        <EncryptedString<Limited> as ValueType>::try_from(Value::String(Some("x".into()))).is_err()
    );
    assert!(<EncryptedString<Limited> as ValueType>::try_from(Value::Int(Some(1))).is_err());
    assert_eq!(
        <Option<EncryptedString<Limited>> as ValueType>::try_from(Value::String(None)).unwrap(),
        None
    );
    assert_eq!(
        <EncryptedText<Limited> as ValueType>::column_type(),
        ColumnType::Text
    );
}

#[test]
fn into_active_value_sets() {
    let v = EncryptedText::<Limited>::new("abc").unwrap();
    assert_eq!(v.clone().into_active_value(), ActiveValue::Set(v.clone()));
    assert_eq!(Some(v.clone()).into_active_value(), ActiveValue::Set(v));
    assert_eq!(
        None::<EncryptedText<Limited>>.into_active_value(),
        ActiveValue::NotSet
    );
}

#[test]
fn type_messages_round_trip() {
    for e in [
        EncryptionError::Decrypt { column: None },
        EncryptionError::Decrypt {
            column: Some("a b".into()),
        },
        EncryptionError::NotUtf8 {
            column: Some("c".into()),
        },
    ] {
        assert_eq!(EncryptionError::from_type_message(&e.to_string()), Some(e));
    }
    assert_eq!(
        EncryptionError::from_type_message("cannot decrypt x (y)"),
        None
    );
    assert_eq!(EncryptionError::from_type_message("other"), None);
}
