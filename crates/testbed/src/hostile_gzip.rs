//! An endless gzip stream that inflates to zeros at about 160:1 — the "gzip bomb" hostile mode.
//!
//! Built by hand instead of with a compressor so it can run forever at no CPU cost: one
//! fixed-Huffman deflate block holding a literal zero followed by endless "copy 258 bytes from
//! distance 1" codes. Eight such codes are 104 bits, exactly 13 bytes, so after a short prefix
//! the compressed bytes repeat with a period of 13. A client that decompresses sees an
//! unbounded run of zeros; one that does not sees unbounded binary. Either way only a body cap
//! keeps it bounded.

/// The gzip member header (RFC 1952): magic, deflate, no flags, no mtime, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// Deflate bits are packed least-significant first; Huffman codes go in most-significant bit
/// first, plain fields (block header, extra bits) least-significant first.
struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    len: u32,
}

impl BitWriter {
    fn plain(&mut self, value: u32, bits: u32) {
        for i in 0..bits {
            self.push((value >> i) & 1);
        }
    }

    fn huffman(&mut self, code: u32, bits: u32) {
        for i in (0..bits).rev() {
            self.push((code >> i) & 1);
        }
    }

    fn push(&mut self, bit: u32) {
        self.acc |= bit << self.len;
        self.len += 1;
        if self.len == 8 {
            self.out.push(self.acc as u8);
            self.acc = 0;
            self.len = 0;
        }
    }
}

/// One length-258 / distance-1 back-reference in the fixed Huffman code: length symbol 285 is
/// the 8-bit code `11000101`, distance symbol 0 the 5-bit code `00000`.
fn copy_258(w: &mut BitWriter) {
    w.huffman(0b1100_0101, 8);
    w.huffman(0, 5);
}

/// The stream's start (gzip header, block header, the literal zero and enough copies to reach
/// a byte boundary) and the 13-byte unit that repeats after it for ever.
pub fn gzip_bomb_parts() -> (Vec<u8>, [u8; 13]) {
    let mut w = BitWriter {
        out: GZIP_HEADER.to_vec(),
        acc: 0,
        len: 0,
    };
    w.plain(1, 1); // BFINAL: the only block
    w.plain(1, 2); // BTYPE 01: fixed Huffman codes
    w.huffman(0b0011_0000, 8); // literal 0x00
    // 11 bits so far; each copy adds 13. After 7 copies the total (102) is not aligned, so
    // pad with copies until it is: 11 + 13·k ≡ 0 (mod 8) first holds at k = 1 (24 bits).
    copy_258(&mut w);
    debug_assert_eq!(w.len, 0, "prefix ends on a byte boundary");
    let prefix = w.out.clone();
    w.out.clear();
    for _ in 0..8 {
        copy_258(&mut w);
    }
    debug_assert_eq!(w.len, 0);
    let unit: [u8; 13] = w.out.as_slice().try_into().expect("8 copies are 13 bytes");
    (prefix, unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The bytes really are a gzip stream of zeros: inflate 4000 units and check them.
    #[test]
    fn stream_inflates_to_zeros_at_a_high_ratio() {
        let (prefix, unit) = gzip_bomb_parts();
        let mut compressed = prefix.clone();
        for _ in 0..4000 {
            compressed.extend_from_slice(&unit);
        }
        let mut decoder = flate2::read::GzDecoder::new(compressed.as_slice());
        let mut out = vec![1u8; 16 * 1024 * 1024];
        let mut filled = 0;
        while filled < out.len() {
            match decoder.read(&mut out[filled..]) {
                Ok(0) | Err(_) => break,
                Ok(n) => filled += n,
            }
        }
        assert!(filled >= 4_000 * 8 * 258, "inflated only {filled} bytes");
        assert!(out[..filled].iter().all(|&b| b == 0));
        assert!(filled / compressed.len() > 150, "ratio too low");
    }
}
