//! Text encodings of CSV/TSV/HTML lists and how they are told apart.
//!
//! Order of decision: a byte-order mark (UTF-8, UTF-16LE/BE) always wins, since
//! it cannot be mistaken; then the caller's explicit choice (`--encoding`);
//! then (HTML only) a `<meta charset>`; then UTF-16 without a mark (recognised
//! by its zero bytes); then strict UTF-8; then GB18030, the superset of GBK and
//! GB2312 that Chinese Windows writes. Decoding is strict: a byte sequence that
//! is not valid in the chosen encoding is an error naming its line, never a
//! silent replacement character.

use super::ReadError;
use encoding_rs::DecoderResult;
use std::fmt;
use std::str::FromStr;

/// A text encoding the reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    /// GBK (and GB2312). Decoded as GB18030, its superset.
    Gbk,
    Gb18030,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    /// The name shown to the clerk and accepted by `--encoding`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }

    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 => encoding_rs::UTF_8,
            // encoding_rs decodes GBK with the GB18030 decoder, which accepts
            // every GBK byte sequence.
            Encoding::Gbk => encoding_rs::GBK,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }

    fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }

    /// An encoding from a label of a web page (`<meta charset=gb2312>`).
    fn from_web_label(label: &str) -> Option<Self> {
        let enc = encoding_rs::Encoding::for_label(label.as_bytes())?;
        if enc == encoding_rs::UTF_8 {
            Some(Encoding::Utf8)
        } else if enc == encoding_rs::GBK {
            Some(Encoding::Gbk)
        } else if enc == encoding_rs::GB18030 {
            Some(Encoding::Gb18030)
        } else if enc == encoding_rs::UTF_16LE {
            Some(Encoding::Utf16Le)
        } else if enc == encoding_rs::UTF_16BE {
            Some(Encoding::Utf16Be)
        } else {
            None
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Encoding {
    type Err = ReadError;

    /// Accepts `utf-8`, `gbk` (also `gb2312`, `cp936`), `gb18030`, `utf-16`
    /// (little-endian unless the file's mark says otherwise), `utf-16le`,
    /// `utf-16be`; case and `-`/`_` do not matter.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb2312" | "cp936" | "936" => Ok(Encoding::Gbk),
            "gb18030" => Ok(Encoding::Gb18030),
            "utf16" | "utf16le" | "unicode" | "ucs2" => Ok(Encoding::Utf16Le),
            "utf16be" => Ok(Encoding::Utf16Be),
            _ => Err(ReadError::UnknownEncoding(s.to_string())),
        }
    }
}

/// The byte-order mark at the start of `bytes`, if any, and its length.
pub(crate) fn bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => Some((Encoding::Utf8, 3)),
        [0xFF, 0xFE, ..] => Some((Encoding::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => Some((Encoding::Utf16Be, 2)),
        _ => None,
    }
}

/// UTF-16 without a mark: text tables are mostly ASCII (digits, commas), so
/// every other byte is zero.
pub(crate) fn sniff_utf16(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let even_zero = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let many = |n: usize| n * 10 >= pairs * 3;
    let few = |n: usize| n * 20 <= pairs;
    if many(odd_zero) && few(even_zero) {
        Some(Encoding::Utf16Le)
    } else if many(even_zero) && few(odd_zero) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// The encoding named by a `charset=` in the head of an HTML file.
pub(crate) fn meta_charset(bytes: &[u8]) -> Option<Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let needle = b"charset=";
    let at = lower.windows(needle.len()).position(|w| w == needle)?;
    let rest = &lower[at + needle.len()..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    let label = std::str::from_utf8(&rest[..end]).ok()?;
    Encoding::from_web_label(label)
}

/// Decode a whole text file.
///
/// `hint` is an encoding the file names for itself (an HTML `<meta charset>`);
/// it is tried after the caller's choice and before guessing, and ignored if
/// the bytes do not fit it.
pub(crate) fn decode(
    bytes: &[u8],
    chosen: Option<Encoding>,
    hint: Option<Encoding>,
) -> Result<(String, Encoding), ReadError> {
    if let Some((enc, len)) = bom(bytes) {
        // A UTF-16 mark fixes the byte order even when the caller said "utf-16".
        return strict(enc, &bytes[len..]).map(|s| (s, enc));
    }
    if let Some(enc) = chosen {
        return strict(enc, bytes).map(|s| (s, enc));
    }
    if let Some(enc) = hint
        && let Ok(s) = strict(enc, bytes)
    {
        return Ok((s, enc));
    }
    if let Some(enc) = sniff_utf16(bytes) {
        return strict(enc, bytes).map(|s| (s, enc));
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_string(), Encoding::Utf8)),
        Err(e) => e,
    };
    let bad_line = line_of(bytes, utf8_error.valid_up_to());
    if let Some(utf8_line) = utf8_cjk_line(bytes) {
        return Err(ReadError::MixedEncoding {
            utf8_line,
            other_line: bad_line,
        });
    }
    strict(Encoding::Gb18030, bytes).map(|s| (s, Encoding::Gb18030))
}

/// 1-based line of the byte at `offset` (for ASCII-compatible encodings).
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The first line that is valid UTF-8 and holds at least four characters
/// outside ASCII written with three bytes (Chinese). A GBK line passes this by
/// chance with a probability far below one in a million, so finding one in a
/// file that is not UTF-8 as a whole means the file mixes encodings.
fn utf8_cjk_line(bytes: &[u8]) -> Option<usize> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .find(|(_, line)| {
            std::str::from_utf8(line)
                .map(|s| s.chars().filter(|c| c.len_utf8() >= 3).count() >= 4)
                .unwrap_or(false)
        })
        .map(|(i, _)| i + 1)
}

/// Decode without replacement; an invalid sequence is an error on its line.
fn strict(enc: Encoding, bytes: &[u8]) -> Result<String, ReadError> {
    if enc == Encoding::Utf8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(ReadError::Decode {
                line: line_of(bytes, e.valid_up_to()),
                encoding: enc.label(),
            }),
        };
    }
    let mut decoder = enc.codec().new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len()),
    );
    let mut input = bytes;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = &input[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(input.len() * 3 + 16),
            DecoderResult::Malformed(_, _) => {
                return Err(ReadError::Decode {
                    line: out.matches('\n').count() + 1,
                    encoding: if enc.is_utf16() {
                        enc.label()
                    } else {
                        "GBK/GB18030"
                    },
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    #[test]
    fn labels_parse() {
        assert_eq!("UTF-8".parse::<Encoding>().unwrap(), Encoding::Utf8);
        assert_eq!("gbk".parse::<Encoding>().unwrap(), Encoding::Gbk);
        assert_eq!("GB2312".parse::<Encoding>().unwrap(), Encoding::Gbk);
        assert_eq!("gb18030".parse::<Encoding>().unwrap(), Encoding::Gb18030);
        assert_eq!("utf-16".parse::<Encoding>().unwrap(), Encoding::Utf16Le);
        assert_eq!("UTF16BE".parse::<Encoding>().unwrap(), Encoding::Utf16Be);
        let err = "latin1".parse::<Encoding>().unwrap_err().to_string();
        assert!(
            err.contains("latin1") && err.contains("unknown encoding"),
            "{err}"
        );
    }

    #[test]
    fn detects_utf8_and_gbk() {
        let (s, e) = decode("姓名,身份证号\n张三,1\n".as_bytes(), None, None).unwrap();
        assert_eq!((s.as_str(), e), ("姓名,身份证号\n张三,1\n", Encoding::Utf8));
        let (s, e) = decode(&gbk("姓名,身份证号\n张三,1\n"), None, None).unwrap();
        assert_eq!(
            (s.as_str(), e),
            ("姓名,身份证号\n张三,1\n", Encoding::Gb18030)
        );
    }

    #[test]
    fn bom_wins_and_is_removed() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("姓名".as_bytes());
        assert_eq!(decode(&b, Some(Encoding::Gbk), None).unwrap().0, "姓名");
        let mut b = vec![0xFE, 0xFF];
        b.extend(
            "姓名,a"
                .encode_utf16()
                .flat_map(|u| u.to_be_bytes().into_iter()),
        );
        let (s, e) = decode(&b, Some(Encoding::Utf16Le), None).unwrap();
        assert_eq!((s.as_str(), e), ("姓名,a", Encoding::Utf16Be));
    }

    #[test]
    fn utf16_without_bom() {
        let b: Vec<u8> = "name,id\n1,2\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes().into_iter())
            .collect();
        assert_eq!(decode(&b, None, None).unwrap().1, Encoding::Utf16Le);
    }

    #[test]
    fn override_is_strict_and_names_the_line() {
        let mut b = b"a,b\nc,d\n".to_vec();
        b.extend(gbk("张三"));
        match decode(&b, Some(Encoding::Utf8), None) {
            Err(ReadError::Decode { line: 3, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mixed_utf8_and_gbk_is_an_error() {
        let mut b = "姓名,村居\n张三丰,城头村\n".as_bytes().to_vec();
        b.extend(gbk("李四光,西集村\n"));
        match decode(&b, None, None) {
            Err(ReadError::MixedEncoding {
                utf8_line: 1,
                other_line: 3,
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn meta_charset_is_read() {
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"GBK\">"),
            Some(Encoding::Gbk)
        );
        assert_eq!(
            meta_charset(b"<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">"),
            Some(Encoding::Gbk)
        );
        assert_eq!(meta_charset(b"<html>"), None);
    }

    #[test]
    fn wrong_hint_is_ignored() {
        let b = gbk("<meta charset=utf-8><table><tr><td>张三</td></tr></table>");
        assert_eq!(
            decode(&b, None, Some(Encoding::Utf8)).unwrap().1,
            Encoding::Gb18030
        );
    }
}
