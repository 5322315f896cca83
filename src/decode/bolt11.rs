//! BOLT11 Lightning invoice decoding: the `bech32` crate checks the string and its checksum
//! (with [`Bolt11Checksum`], since invoices with route hints run past bech32's 1,023-character
//! code length); the human-readable part (network and amount) and the tagged fields the
//! diagnosis shows are read here. The signature is not checked and the payee is not recovered
//! from it: nothing in a diagnosis needs that.
//!
//! A broken invoice is evidence, so every failure is an [`Error`] value, never a panic.

use super::quote::quoted;

use bech32::primitives::decode::{CharError, CheckedHrpstring, CheckedHrpstringError};
use bech32::primitives::decode::{ChecksumError, UncheckedHrpstringError};
use bech32::{Checksum, Fe32};

/// Bech32's checksum (BIP-173) without its length limit: BOLT11 invoices may be longer than the
/// 1,023 characters the code guarantees to catch errors in, and BOLT11 accepts that (LDK and
/// lnd do the same). Our own cap is [`MAX_INVOICE_CHARS`].
enum Bolt11Checksum {}

impl Checksum for Bolt11Checksum {
    type MidstateRepr = u32;
    const CODE_LENGTH: usize = usize::MAX;
    const CHECKSUM_LENGTH: usize = 6;
    const GENERATOR_SH: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    const TARGET_RESIDUE: u32 = 1;
}

/// Longer strings are refused before any work (LDK's own cap is 7089).
pub const MAX_INVOICE_CHARS: usize = 8192;

/// Default expiry when the invoice has no `x` field (BOLT11).
pub const DEFAULT_EXPIRY_SECS: u64 = 3600;

const TIMESTAMP_GROUPS: usize = 7;
const SIGNATURE_GROUPS: usize = 104;

/// The chain an invoice is for, from its HRP currency prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Mainnet,
    Testnet,
    Signet,
    Regtest,
}

/// Currency prefixes after `ln`, longest first so `bcrt` wins over `bc` and `tbs` over `tb`.
const CURRENCIES: [(&str, Network); 4] = [
    ("bcrt", Network::Regtest),
    ("tbs", Network::Signet),
    ("tb", Network::Testnet),
    ("bc", Network::Mainnet),
];

impl Network {
    /// The network in words.
    pub fn display(self) -> &'static str {
        match self {
            Network::Mainnet => "Bitcoin mainnet",
            Network::Testnet => "Bitcoin testnet",
            Network::Signet => "Bitcoin signet",
            Network::Regtest => "Bitcoin regtest",
        }
    }

    /// The HRP prefix as sent (`lnbc`, `lntb`, `lntbs`, `lnbcrt`).
    pub fn hrp_prefix(self) -> &'static str {
        match self {
            Network::Mainnet => "lnbc",
            Network::Testnet => "lntb",
            Network::Signet => "lntbs",
            Network::Regtest => "lnbcrt",
        }
    }

    pub fn is_test(self) -> bool {
        self != Network::Mainnet
    }
}

/// Why an invoice did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Empty,
    TooLong,
    /// Upper and lower case mixed (bech32 forbids it).
    MixedCase,
    /// No `1` separating the human-readable part from the data.
    NoSeparator,
    /// A character outside the bech32 alphabet in the data part.
    InvalidChar(char),
    BadChecksum,
    /// The HRP is not `ln` + a known currency + an optional amount.
    BadHrp(String),
    /// The amount does not parse, overflows, or has a `p` amount not ending in 0.
    BadAmount(String),
    /// The data part is shorter than its fields say.
    Truncated,
}

impl Error {
    /// The failure in words, for evidence and explanations.
    pub fn describe(&self) -> String {
        match self {
            Error::Empty => "the invoice is empty".into(),
            Error::TooLong => format!("the invoice is longer than {MAX_INVOICE_CHARS} characters"),
            Error::MixedCase => "the invoice mixes upper and lower case".into(),
            Error::NoSeparator => "the invoice has no '1' separator".into(),
            Error::InvalidChar(c) => {
                format!(
                    "the invoice contains {}, which is not a bech32 character",
                    quoted(c.encode_utf8(&mut [0; 4]))
                )
            }
            Error::BadChecksum => {
                "the bech32 checksum does not match (the invoice was altered or cut)".into()
            }
            Error::BadHrp(h) => {
                format!(
                    "unknown invoice prefix {} (not lnbc/lntb/lntbs/lnbcrt)",
                    quoted(h)
                )
            }
            Error::BadAmount(a) => format!("the amount {} is not valid", quoted(a)),
            Error::Truncated => "the invoice data is truncated".into(),
        }
    }
}

/// What a BOLT11 invoice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub network: Network,
    /// None for an "any amount" invoice.
    pub amount_msat: Option<u64>,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Seconds after `created_at` the invoice stays payable.
    pub expiry: u64,
    /// `p`, hex.
    pub payment_hash: Option<String>,
    /// `s`, hex.
    pub payment_secret: Option<String>,
    /// `d`, lossily decoded UTF-8 (attacker-controlled: display it as text only).
    pub description: Option<String>,
    /// `h`, hex SHA-256 of a description given elsewhere.
    pub description_hash: Option<String>,
    /// `c`, min_final_cltv_expiry_delta.
    pub min_final_cltv_expiry: Option<u64>,
    /// `n`, the payee's public key, hex, when the invoice states it.
    pub payee: Option<String>,
}

impl Invoice {
    /// When the invoice stops being payable, Unix seconds.
    pub fn expires_at(&self) -> i64 {
        let expiry = i64::try_from(self.expiry).unwrap_or(i64::MAX);
        self.created_at.saturating_add(expiry)
    }
}

/// Regroups 5-bit values into bytes, dropping the incomplete tail (BOLT11 pads with zeros).
fn to_bytes(groups: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(groups.len() * 5 / 8);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &g in groups {
        acc = (acc << 5) | u32::from(g);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Big-endian number from 5-bit groups; None when it would not fit in 64 bits.
fn number(groups: &[u8]) -> Option<u64> {
    if groups.len() > 12 {
        return None;
    }
    Some(groups.iter().fold(0u64, |n, &g| (n << 5) | u64::from(g)))
}

/// Parses `2500u`, `1500n`, `10p`, `1` (whole bitcoin) into millisatoshi.
fn amount_msat(amount: &str) -> Result<Option<u64>, Error> {
    if amount.is_empty() {
        return Ok(None);
    }
    let bad = || Error::BadAmount(amount.to_string());
    let (digits, mult) = match amount.as_bytes().last() {
        Some(b'm' | b'u' | b'n' | b'p') => amount.split_at(amount.len() - 1),
        _ => (amount, ""),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let msat = match mult {
        "" => n.checked_mul(100_000_000_000),
        "m" => n.checked_mul(100_000_000),
        "u" => n.checked_mul(100_000),
        "n" => n.checked_mul(100),
        // A pico-bitcoin is a tenth of a millisatoshi: only whole msat are allowed.
        _ if n % 10 == 0 => Some(n / 10),
        _ => None,
    };
    msat.map(Some).ok_or_else(bad)
}

fn parse_hrp(hrp: &str) -> Result<(Network, Option<u64>), Error> {
    let bad = || Error::BadHrp(hrp.to_string());
    let rest = hrp.strip_prefix("ln").ok_or_else(bad)?;
    let (network, amount) = CURRENCIES
        .iter()
        .find_map(|(prefix, net)| {
            let amount = rest.strip_prefix(prefix)?;
            // `lntbs…` must not read as testnet with amount `s…`: amounts start with a digit.
            (amount.is_empty() || amount.starts_with(|c: char| c.is_ascii_digit()))
                .then_some((*net, amount))
        })
        .ok_or_else(bad)?;
    Ok((network, amount_msat(amount)?))
}

/// Decodes a BOLT11 invoice (an optional `lightning:` prefix is accepted).
pub fn decode(input: &str) -> Result<Invoice, Error> {
    let (hrp, data) = bech32_data(input)?;
    let (network, amount_msat) = parse_hrp(&hrp)?;

    let payload = &data[..];
    if payload.len() < TIMESTAMP_GROUPS + SIGNATURE_GROUPS {
        return Err(Error::Truncated);
    }
    let (timestamp, rest) = payload.split_at(TIMESTAMP_GROUPS);
    let fields = &rest[..rest.len() - SIGNATURE_GROUPS];
    let created_at = number(timestamp)
        .and_then(|n| i64::try_from(n).ok())
        .unwrap_or(0);

    let mut inv = Invoice {
        network,
        amount_msat,
        created_at,
        expiry: DEFAULT_EXPIRY_SECS,
        payment_hash: None,
        payment_secret: None,
        description: None,
        description_hash: None,
        min_final_cltv_expiry: None,
        payee: None,
    };
    tagged_fields(fields, &mut inv)?;
    Ok(inv)
}

/// The invoice's checksum-verified bech32 text: its human-readable part (lowercased) and its
/// data as 5-bit groups, checksum removed.
fn bech32_data(input: &str) -> Result<(String, Vec<u8>), Error> {
    let s = input.trim();
    let s = if s.len() > 10 && s.is_char_boundary(10) && s[..10].eq_ignore_ascii_case("lightning:")
    {
        &s[10..]
    } else {
        s
    };
    if s.is_empty() {
        return Err(Error::Empty);
    }
    if s.len() > MAX_INVOICE_CHARS {
        return Err(Error::TooLong);
    }
    let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err(Error::MixedCase);
    }
    let s = s.to_ascii_lowercase();
    let (hrp_text, _) = s.rsplit_once('1').ok_or(Error::NoSeparator)?;
    let checked = CheckedHrpstring::new::<Bolt11Checksum>(&s).map_err(|e| match e {
        CheckedHrpstringError::Parse(UncheckedHrpstringError::Char(c)) => match c {
            CharError::MissingSeparator => Error::NoSeparator,
            CharError::InvalidChar(c) => Error::InvalidChar(c),
            CharError::MixedCase => Error::MixedCase,
            _ => Error::Truncated,
        },
        CheckedHrpstringError::Parse(_) => Error::BadHrp(hrp_text.into()),
        CheckedHrpstringError::Checksum(ChecksumError::InvalidResidue) => Error::BadChecksum,
        _ => Error::Truncated,
    })?;
    let data: Vec<u8> = checked
        .fe32_iter::<std::iter::Empty<u8>>()
        .map(Fe32::to_u8)
        .collect();
    Ok((hrp_text.to_string(), data))
}

/// Reads the tagged fields (between the timestamp and the signature) into `inv`.
fn tagged_fields(fields: &[u8], inv: &mut Invoice) -> Result<(), Error> {
    let mut expiry_seen = false;
    let mut i = 0;
    while i < fields.len() {
        let header = fields.get(i..i + 3).ok_or(Error::Truncated)?;
        let (tag, len) = (
            header[0],
            usize::from(header[1]) * 32 + usize::from(header[2]),
        );
        let value = fields.get(i + 3..i + 3 + len).ok_or(Error::Truncated)?;
        i += 3 + len;
        // The first occurrence of a field wins; fields with the wrong fixed length are skipped
        // as BOLT11 tells readers to.
        match (tag, len) {
            (1, 52) if inv.payment_hash.is_none() => inv.payment_hash = Some(hex(&to_bytes(value))),
            (16, 52) if inv.payment_secret.is_none() => {
                inv.payment_secret = Some(hex(&to_bytes(value)))
            }
            (23, 52) if inv.description_hash.is_none() => {
                inv.description_hash = Some(hex(&to_bytes(value)))
            }
            (19, 53) if inv.payee.is_none() => inv.payee = Some(hex(&to_bytes(value))),
            (13, _) if inv.description.is_none() => {
                inv.description = Some(String::from_utf8_lossy(&to_bytes(value)).into_owned())
            }
            (6, _) if !expiry_seen => {
                if let Some(x) = number(value) {
                    inv.expiry = x;
                    expiry_seen = true;
                }
            }
            (24, _) if inv.min_final_cltv_expiry.is_none() => {
                inv.min_final_cltv_expiry = number(value)
            }
            _ => {}
        }
    }
    Ok(())
}

/// Builds a checksum-valid invoice string from an HRP and 5-bit data (no real signature), for
/// tests of the decoder and of the detectors that use it.
#[cfg(test)]
pub(crate) fn encode_unsigned(hrp: &str, data: &[u8]) -> String {
    use bech32::primitives::iter::Fe32IterExt;
    let hrp = bech32::Hrp::parse(hrp).expect("test HRP");
    data.iter()
        .map(|&v| Fe32::try_from(v & 31).expect("5-bit value"))
        .with_checksum::<Bolt11Checksum>(&hrp)
        .chars()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BOLT11 spec: "Please send $3 for a cup of coffee to the same peer, within one minute".
    const COFFEE: &str = "lnbc2500u1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpu9qrsgquk0rl77nj30yxdy8j9vdx85fkpmdla2087ne0xh8nhedh8w27kyke0lp53ut353s06fv3qfegext0eh0ymjpf39tuven09sam30g4vgpfna3rh";

    /// The L402 protocol specification's example challenge invoice.
    const L402_SPEC: &str = "lnbc1500n1pw5kjhmpp5fu6xhthlt2vucmzkx6c7wtlh2r625r30cyjsfqhu8rsx4xpz5lwqdpa2fjkzep6yptksct5yp5hxgrrv96hx6twvusycn3qv9jx7ur5d9hkugr5dusx6cqzpgxqr23s79ruapxc4j5uskt4htly2salw4drq979d7rcela9wz02elhypmdzmzlnxuknpgfyfm86pntt8vvkvffma5qc9n50h4mvqhngadqy3ngqjcym5a";

    #[test]
    fn spec_coffee_vector() {
        let inv = decode(COFFEE).unwrap();
        assert_eq!(inv.network, Network::Mainnet);
        assert_eq!(inv.amount_msat, Some(250_000_000));
        assert_eq!(inv.created_at, 1496314658);
        assert_eq!(inv.expiry, 60);
        assert_eq!(inv.expires_at(), 1496314718);
        assert_eq!(inv.description.as_deref(), Some("1 cup coffee"));
        assert_eq!(
            inv.payment_hash.as_deref(),
            Some("0001020304050607080900010203040506070809000102030405060708090102")
        );
        assert_eq!(inv.payment_secret.as_deref(), Some(&"11".repeat(32)[..]));
        // Upper case (QR codes) and the URI prefix decode the same.
        assert_eq!(decode(&COFFEE.to_ascii_uppercase()).unwrap(), inv);
        assert_eq!(decode(&format!("lightning:{COFFEE}")).unwrap(), inv);
    }

    #[test]
    fn l402_spec_invoice() {
        let inv = decode(L402_SPEC).unwrap();
        assert_eq!(inv.amount_msat, Some(150_000));
        assert_eq!(inv.created_at, 1565215483);
        assert_eq!(inv.expiry, 10800);
        assert_eq!(inv.min_final_cltv_expiry, Some(40));
        assert_eq!(
            inv.payment_hash.as_deref(),
            Some("4f346baeff5a99cc6c5636b1e72ff750f4aa0e2fc1250482fc38e06a9822a7dc")
        );
        assert_eq!(
            inv.description.as_deref(),
            Some("Read: What is causing LN adoption to m")
        );
        assert!(inv.payment_secret.is_none());
    }

    #[test]
    fn broken_invoices_are_errors() {
        let flipped = COFFEE.replacen("xysxx", "xysxy", 1);
        assert_eq!(decode(&flipped), Err(Error::BadChecksum));
        assert_eq!(decode(&COFFEE[..COFFEE.len() - 1]), Err(Error::BadChecksum));
        assert_eq!(decode(""), Err(Error::Empty));
        assert_eq!(decode("lnbc2500u"), Err(Error::NoSeparator));
        assert_eq!(decode("Lnbc1qqqqqq"), Err(Error::MixedCase));
        assert_eq!(decode("lnbc1bbbbbb"), Err(Error::InvalidChar('b')));
        assert_eq!(
            decode(&"q".repeat(MAX_INVOICE_CHARS + 1)),
            Err(Error::TooLong)
        );
        assert_eq!(
            decode(&encode_unsigned("lnbc", &[0; 3])),
            Err(Error::Truncated)
        );
        assert!(matches!(
            decode(&encode_unsigned("bc", &[0; 120])),
            Err(Error::BadHrp(_))
        ));
        // A field claiming more data than there is.
        let mut data = vec![0u8; 7];
        data.extend([13, 31, 31]);
        data.extend([0u8; 104]);
        assert_eq!(
            decode(&encode_unsigned("lnbc", &data)),
            Err(Error::Truncated)
        );
        for junk in ["1", "ln1", "lnbc1", "☃1qqqqqq", "lnbc1☃", "11111111"] {
            assert!(decode(junk).is_err());
        }
    }

    #[test]
    fn invoices_longer_than_bech32s_code_length_decode() {
        // A long description, as route hints make real invoices longer than 1,023 characters.
        let mut data = vec![0u8; 7];
        data.extend([13, 1, 31]);
        data.extend([8u8; 63]);
        data.extend(std::iter::repeat_n(0u8, 1500));
        data.extend([0u8; 104]);
        let invoice = encode_unsigned("lnbc", &data);
        assert!(invoice.len() > 1023);
        assert!(decode(&invoice).unwrap().description.is_some());
    }

    #[test]
    fn networks_and_amount_multipliers() {
        let body = [0u8; 7 + 104];
        let cases = [
            ("lnbc", Network::Mainnet, None),
            ("lntb20m", Network::Testnet, Some(2_000_000_000)),
            ("lntbs1u", Network::Signet, Some(100_000)),
            ("lnbcrt5n", Network::Regtest, Some(500)),
            ("lnbc10p", Network::Mainnet, Some(1)),
            ("lnbc1", Network::Mainnet, Some(100_000_000_000)),
        ];
        for (hrp, net, msat) in cases {
            let inv = decode(&encode_unsigned(hrp, &body)).unwrap();
            assert_eq!((inv.network, inv.amount_msat), (net, msat), "{hrp}");
            assert_eq!(inv.expiry, DEFAULT_EXPIRY_SECS);
        }
        for hrp in [
            "lnbc11p",
            "lnbcx",
            "lnbc99999999999999999999m",
            "lnbcm",
            "lnxy1u",
        ] {
            assert!(decode(&encode_unsigned(hrp, &body)).is_err(), "{hrp}");
        }
        assert_eq!(Network::Signet.hrp_prefix(), "lntbs");
        assert!(Network::Regtest.is_test() && !Network::Mainnet.is_test());
    }
}
