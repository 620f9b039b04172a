//! ASCII armor (RFC 4880 §6) as PostgreSQL's `armor()` writes it and `dearmor()` reads it.
//!
//! `armor()` writes `-----BEGIN PGP MESSAGE-----`, an empty line (no armor headers), the
//! base64 of the message in lines of 76 characters, `=` and the base64 of its CRC-24, and
//! `-----END PGP MESSAGE-----`, every line ending in `\n`. Reading accepts what
//! `dearmor()` accepts besides: armor headers, `\r\n` line ends, surrounding blank
//! lines and a missing checksum (RFC 9580 no longer asks for one); a checksum that is
//! present must match.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const BEGIN: &str = "-----BEGIN PGP MESSAGE-----";
const END: &str = "-----END PGP MESSAGE-----";
const LINE: usize = 76;

/// Whether `text` looks like an armored OpenPGP message (and so like no other backend's
/// token: Fernet and AEAD tokens never contain `-` runs or spaces).
pub(crate) fn is_armored(text: &str) -> bool {
    text.trim_start().starts_with(BEGIN)
}

/// The CRC-24 of RFC 4880 §6.1: initial value `0xB704CE`, generator `0x1864CFB`, most
/// significant bit first, no final XOR.
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0x00B7_04CE;
    for &byte in data {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= 0x0186_4CFB;
            }
        }
    }
    crc & 0x00FF_FFFF
}

/// `armor(message)`, byte for byte as PostgreSQL writes it.
pub(super) fn encode(message: &[u8]) -> String {
    let body = STANDARD.encode(message);
    let mut out = String::with_capacity(body.len() + body.len() / LINE + 70);
    out.push_str(BEGIN);
    out.push_str("\n\n");
    // base64 is ASCII, so byte chunks are whole characters
    for line in body.as_bytes().chunks(LINE) {
        out.extend(line.iter().map(|&b| char::from(b)));
        out.push('\n');
    }
    out.push('=');
    out.push_str(&STANDARD.encode(&crc24(message).to_be_bytes()[1..]));
    out.push('\n');
    out.push_str(END);
    out.push('\n');
    out
}

/// The message inside the armor; `None` if it is not one armored message or its checksum
/// does not match.
pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
    let mut lines = text.lines().map(str::trim_end).skip_while(|l| l.is_empty());
    if lines.next()? != BEGIN {
        return None;
    }
    // armor headers ("Key: value") up to the blank line that always follows them
    loop {
        let line = lines.next()?;
        if line.is_empty() {
            break;
        }
        line.split_once(": ")?;
    }
    let mut body = String::new();
    let mut checksum = None;
    loop {
        let line = lines.next()?.trim_start();
        if line == END {
            break;
        }
        if let Some(crc) = line.strip_prefix('=') {
            // (a base64 line never starts with its padding)
            checksum = Some(crc);
            if lines.next()? != END {
                return None;
            }
            break;
        }
        body.push_str(line);
    }
    if lines.any(|l| !l.is_empty()) {
        return None;
    }
    let message = STANDARD.decode(body).ok()?;
    if let Some(crc) = checksum {
        let crc = STANDARD.decode(crc).ok()?;
        let crc: [u8; 3] = crc.try_into().ok()?;
        if crc24(&message).to_be_bytes()[1..] != crc {
            return None;
        }
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_of_known_inputs() {
        // the initial value alone, and a check value computed from the definition
        assert_eq!(crc24(b""), 0xB704CE);
        assert_eq!(crc24(b"123456789"), 0x21CF02);
    }

    #[test]
    fn round_trip_and_layout() {
        for len in [0, 1, 56, 57, 58, 200] {
            let message: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let text = encode(&message);
            assert!(text.starts_with("-----BEGIN PGP MESSAGE-----\n\n"));
            assert!(text.ends_with("\n-----END PGP MESSAGE-----\n"));
            assert!(text.lines().all(|l| l.len() <= 76), "{text}");
            assert_eq!(decode(&text), Some(message.clone()));
            assert_eq!(decode(&text.replace('\n', "\r\n")), Some(message.clone()));
            let with_header = text.replacen("\n\n", "\nVersion: x\nComment: y\n\n", 1);
            assert_eq!(decode(&with_header), Some(message));
        }
    }

    #[test]
    fn malformed_armor_is_rejected() {
        let text = encode(b"some message bytes");
        let no_crc: String = text
            .lines()
            .filter(|l| !l.starts_with('='))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(decode(&no_crc).as_deref(), Some(&b"some message bytes"[..]));
        let (head, tail) = text.split_at(text.find("\n=").unwrap_or(0));
        let wrong_crc = format!("{head}\n=AAAA{}", &tail[6..]);
        for bad in [
            "",
            "-----BEGIN PGP MESSAGE-----\n",
            &text.replace("BEGIN PGP MESSAGE", "BEGIN PGP SIGNATURE"),
            &text.replacen("\n\n", "\n", 1),
            &text.replace("-----END PGP MESSAGE-----\n", ""),
            &format!("{text}trailing"),
            &wrong_crc,
            &text.replacen("\n\n", "\nnot a header\n\n", 1),
            &text.replacen("\n\n", "\n\n!!", 1),
        ] {
            assert_eq!(decode(bad), None, "{bad}");
        }
        assert!(is_armored(&text) && is_armored(&format!("\n {text}")));
        assert!(!is_armored("gAAAAAB") && !is_armored("v1.00.AA"));
    }
}
