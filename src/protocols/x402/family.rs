//! Families of x402 rejection reasons: SDK generations and facilitators spell the same refusal
//! differently, so reasons are matched by the stems they share, each family with its plain
//! meaning.

/// Families of rejection reasons: SDK generations spell them differently, so match by the
/// stems they share rather than by a closed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Permit2Approval,
    /// An earlier payment is still being settled: not an empty wallet.
    Pending,
    Nonce,
    Funds,
    TooEarly,
    Expired,
    Signature,
    NoMatchingOption,
    Exactness,
    OnChain,
    Malformed,
    /// A refusal whose reason fits no family.
    Other,
}

/// Checked in order: the first family with a matching stem wins.
pub(super) const FAMILIES: &[(Family, &[&str])] = &[
    (Family::Permit2Approval, &["allowance_required"]),
    // Before `Funds`: "insufficient balance while a payment is pending" is a charge in flight.
    (
        Family::Pending,
        &[
            "pending",
            "in_flight",
            "in-flight",
            "in flight",
            "in progress",
            "in_progress",
            "already processing",
            "not_yet_settled",
            "unconfirmed",
        ],
    ),
    (Family::Nonce, &["nonce", "duplicate_settlement"]),
    (
        Family::Funds,
        &["insufficient", "balance", "sender_ata_not_found"],
    ),
    (
        Family::TooEarly,
        &["valid_after", "not_yet_valid", "too_early"],
    ),
    (
        Family::Expired,
        &[
            "valid_before",
            "expired",
            "deadline",
            "block_height_exceeded",
        ],
    ),
    (
        Family::Signature,
        &[
            "signature",
            "token_name_mismatch",
            "token_version_mismatch",
            "eip712",
        ],
    ),
    (
        Family::NoMatchingOption,
        &[
            "network_mismatch",
            "invalid_network",
            "unsupported_network",
            "unsupported_scheme",
            "invalid_scheme",
            "evm_scheme",
            "scheme_mismatch",
            "no_facilitator_for_network",
            "unsupported_payload_type",
            "eip3009_not_supported",
            "no matching payment",
            "unable to find matching",
        ],
    ),
    (
        Family::Exactness,
        &[
            "recipient_mismatch",
            "receiver_mismatch",
            "value_mismatch",
            "authorization_value",
            "amount",
            "asset_mismatch",
            "mint_mismatch",
            "token_mismatch",
            "invalid_destination",
            "incorrect_payee",
            "incorrect_asset",
            "incorrect_ata",
            "memo_mismatch",
            "wrong_recipient",
            "wrong_asset",
            "wrong_to",
            "fee_payer",
            "mismatch",
        ],
    ),
    (
        Family::OnChain,
        &[
            "simulation_failed",
            "transaction_failed",
            "transaction_state",
            "settle",
            "confirmation",
            "smart_wallet",
            "receipt",
            "not_deployed",
        ],
    ),
    (
        Family::Malformed,
        &[
            "invalid_payload",
            "invalid_payment",
            "malformed",
            "version",
            "could_not_be_decoded",
            "instruction",
            "missing",
            "invalid_v1",
            "invalid_v2",
            "_payload",
            "invalid_permit2",
            "format",
        ],
    ),
];

/// Phrases servers use when no payment was sent yet.
pub(super) const CHALLENGE_PHRASES: &[&str] = &[
    "header is required",
    "header provided",
    "payment required",
    "payment_required",
    "required to access",
    "payment is required",
];

/// The family of a refusal reason; `None` for the phrases that mean "no payment sent yet"
/// (checked first: "PAYMENT-SIGNATURE header is required" is not a signature problem).
pub fn family(reason: &str) -> Option<Family> {
    if is_challenge_phrase(reason) {
        return None;
    }
    let r = reason.to_ascii_lowercase();
    for (family, stems) in FAMILIES {
        for stem in *stems {
            if r.contains(stem) {
                return Some(*family);
            }
        }
    }
    None
}

pub(super) fn is_challenge_phrase(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    CHALLENGE_PHRASES.iter().any(|p| r.contains(p))
}

pub(super) fn family_plain(family: Family) -> &'static str {
    match family {
        Family::Permit2Approval => "the wallet has not approved Permit2 for this token yet",
        Family::Pending => "an earlier payment is still being settled",
        Family::Nonce => "the payment authorization was already used",
        Family::Funds => "the paying wallet does not hold enough of the asset",
        Family::TooEarly => "the authorization is not valid yet (validAfter in the future)",
        Family::Expired => "the signed authorization has expired",
        Family::Signature => {
            "the signature does not verify (usually the EIP-712 domain name or version)"
        }
        Family::NoMatchingOption => "the payment matches none of the offered options",
        Family::Exactness => "the signed amount, asset or recipient differs from the requirement",
        Family::OnChain => "settling the payment on chain failed",
        Family::Malformed => "the payment payload is malformed",
        Family::Other => "the server refused the payment",
    }
}
