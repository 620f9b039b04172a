//! OpenPGP packet framing (RFC 4880 §4.2): a tag and a body.
//!
//! Reading takes both header formats and every length encoding, including the partial
//! body lengths PostgreSQL uses for longer values; writing uses new-format headers with
//! definite lengths, as PostgreSQL does for short ones.

/// Symmetric-key encrypted session key.
pub(super) const SKESK: u8 = 3;
/// Compressed data.
pub(super) const COMPRESSED: u8 = 8;
/// Literal data.
pub(super) const LITERAL: u8 = 11;
/// Symmetrically encrypted and integrity protected data.
pub(super) const SEIPD: u8 = 18;

/// One packet.
pub(super) struct Packet {
    pub(super) tag: u8,
    pub(super) body: Vec<u8>,
}

/// Every packet in `input`; `None` if the framing is broken anywhere.
pub(super) fn read_all(mut input: &[u8]) -> Option<Vec<Packet>> {
    let mut packets = Vec::new();
    while !input.is_empty() {
        packets.push(read(&mut input)?);
    }
    Some(packets)
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if input.len() < n {
        return None;
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Some(head)
}

fn byte(input: &mut &[u8]) -> Option<u8> {
    take(input, 1).map(|b| b[0])
}

fn be(bytes: &[u8]) -> usize {
    bytes.iter().fold(0, |n, &b| (n << 8) | usize::from(b))
}

/// One packet from the front of `input`.
fn read(input: &mut &[u8]) -> Option<Packet> {
    let first = byte(input)?;
    if first & 0x80 == 0 {
        return None;
    }
    if first & 0x40 == 0 {
        // old format: the tag in bits 5-2, the size of the length in bits 1-0
        let tag = (first >> 2) & 0x0f;
        let len = match first & 0x03 {
            0 => usize::from(byte(input)?),
            1 => be(take(input, 2)?),
            2 => be(take(input, 4)?),
            _ => input.len(), // indeterminate: up to the end
        };
        let body = take(input, len)?.to_vec();
        return Some(Packet { tag, body });
    }
    let tag = first & 0x3f;
    let mut body = Vec::new();
    loop {
        let octet = byte(input)?;
        let (len, partial) = match octet {
            0..=191 => (usize::from(octet), false),
            192..=223 => {
                let second = byte(input)?;
                (
                    ((usize::from(octet) - 192) << 8) + usize::from(second) + 192,
                    false,
                )
            }
            255 => (be(take(input, 4)?), false),
            _ => (1usize << (octet & 0x1f), true),
        };
        body.extend_from_slice(take(input, len)?);
        if !partial {
            return Some(Packet { tag, body });
        }
    }
}

/// Appends a new-format packet with a definite length.
pub(super) fn write(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(0xc0 | tag);
    let len = body.len();
    if len < 192 {
        out.push(len as u8); // < 192
    } else if len < 8384 {
        let rest = len - 192; // < 8192: 13 bits
        out.push(((rest >> 8) as u8) + 192);
        out.push(rest as u8); // the low byte
    } else {
        out.push(255);
        // PostgreSQL values are at most 1 GB, far below 4 GiB
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    }
    out.extend_from_slice(body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_encoding_round_trips() {
        for len in [0, 1, 191, 192, 193, 8383, 8384, 70_000] {
            let body: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut out = Vec::new();
            write(&mut out, LITERAL, &body);
            write(&mut out, SEIPD, b"x");
            let packets = read_all(&out).expect("well framed");
            assert_eq!(packets.len(), 2);
            assert_eq!((packets[0].tag, &packets[0].body), (LITERAL, &body));
            assert_eq!((packets[1].tag, &packets[1].body[..]), (SEIPD, &b"x"[..]));
            out.pop();
            assert!(read_all(&out).is_none(), "truncated body");
        }
    }

    #[test]
    fn partial_and_old_format_lengths() {
        // new format, partial 512 + partial 2 + final 3
        let mut framed = vec![0xc0 | LITERAL, 0xe0 | 9];
        framed.extend(std::iter::repeat_n(1u8, 512));
        framed.extend([0xe1, 2, 2, 3, 3, 3, 3]);
        let packets = read_all(&framed).expect("partial lengths");
        assert_eq!(packets[0].body.len(), 517);
        assert_eq!(packets[0].body[512..], [2, 2, 3, 3, 3]);
        // old format: 1-, 2-, 4-byte and indeterminate lengths
        let old = [
            0x80 | (LITERAL << 2),
            1,
            9,
            0x81 | (SKESK << 2),
            0,
            1,
            8,
            0x82 | (SKESK << 2),
            0,
            0,
            0,
            0,
            0x83 | (9 << 2),
            5,
            6,
        ];
        let packets = read_all(&old).expect("old format");
        assert_eq!(packets.len(), 4);
        assert_eq!(packets[1].body, [8]);
        assert_eq!(packets[3].body, [5, 6]);
        assert!(read_all(&[0x40, 0]).is_none(), "no packet bit");
        assert!(read_all(&[0xc0 | LITERAL, 0xff, 0, 0]).is_none());
    }
}
