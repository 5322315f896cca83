//! MPP problem types that mean a payment was presented and refused, with what to say about
//! each (from the paymentauth.org problem registry).

/// A problem type that means a payment was presented and refused, with what to say about it.
pub(super) struct Rejection {
    /// The part after `https://paymentauth.org/problems/`.
    pub(super) kind: &'static str,
    pub(super) summary: &'static str,
    pub(super) explanation: &'static str,
    pub(super) steps: &'static [&'static str],
}

pub(super) const FRESH_CHALLENGE: &str =
    "Send the request again to get a fresh challenge, then pay and present the credential \
     before it expires.";
pub(super) const USE_NEW_CHALLENGE: &str =
    "Build the credential for the newest challenge in this response (its `id`): each \
     challenge is single-use and bound to its parameters.";

pub(super) const REJECTIONS: &[Rejection] = &[
    Rejection {
        kind: "verification-failed",
        summary: "the payment proof failed verification",
        explanation: "The request carried a Payment credential, but the server could not \
                      verify its proof (signature, transaction or preimage) against the \
                      challenge.",
        steps: &[
            USE_NEW_CHALLENGE,
            "Make sure the proof in the credential's `payload` was produced for that exact \
             challenge and method; never resend an old credential.",
        ],
    },
    Rejection {
        kind: "payment-insufficient",
        summary: "the payment was less than the amount asked",
        explanation: "The server received a payment for less than the challenge asked: fees \
                      taken out of the amount, a unit mistake (amounts are in the currency's \
                      base units) or a price that changed since the challenge.",
        steps: &[
            "Compare what was paid with the challenge's `request.amount` (base units of its \
             currency) and pay the full amount.",
            USE_NEW_CHALLENGE,
        ],
    },
    Rejection {
        kind: "payment-expired",
        summary: "the payment or its challenge expired",
        explanation: "The payment arrived after the challenge (or the payment it names) \
                      expired, so the server no longer accepts it.",
        steps: &[FRESH_CHALLENGE],
    },
    Rejection {
        kind: "malformed-credential",
        summary: "the Payment credential could not be parsed",
        explanation: "The `Authorization: Payment` credential is not in the expected shape: \
                      base64url without padding of a JSON object that echoes the `challenge` \
                      and carries the proof in `payload`.",
        steps: &[
            "Encode the credential as base64url (no padding) of \
             {\"challenge\":{…the challenge's parameters, unchanged…},\"payload\":{…proof…}}.",
            USE_NEW_CHALLENGE,
        ],
    },
    Rejection {
        kind: "invalid-challenge",
        summary: "the credential names an unknown, used or expired challenge",
        explanation: "The credential refers to a challenge this server does not recognise: it \
                      was already used, it expired, it came from another server, or its echoed \
                      parameters were altered.",
        steps: &[USE_NEW_CHALLENGE],
    },
    Rejection {
        kind: "method-unsupported",
        summary: "the payment method is not accepted here",
        explanation: "The credential uses a payment method the server does not offer for this \
                      resource.",
        steps: &["Pay with one of the methods offered in this response's Payment challenges."],
    },
    Rejection {
        kind: "lightning/malformed-credential",
        summary: "the Lightning credential could not be parsed",
        explanation: "The Lightning credential is not in the expected shape: its payload must \
                      hold the payment preimage as 64 hexadecimal characters.",
        steps: &[
            "Put the preimage your wallet returned (64 hex characters) in the credential's \
             `payload.preimage` and echo the challenge unchanged.",
        ],
    },
    Rejection {
        kind: "lightning/unknown-challenge",
        summary: "the credential names an unknown challenge",
        explanation: "The Lightning credential refers to a challenge this server does not \
                      know (already used, from another server, or altered).",
        steps: &[USE_NEW_CHALLENGE],
    },
    Rejection {
        kind: "lightning/invalid-preimage",
        summary: "the preimage does not match the invoice",
        explanation: "The preimage in the credential does not hash to the invoice's payment \
                      hash: it belongs to another invoice, or the payment never completed.",
        steps: &[
            "Check in your wallet that this challenge's invoice was paid, and send the \
             preimage of that payment (64 hex characters).",
        ],
    },
    Rejection {
        kind: "lightning/expired-invoice",
        summary: "the Lightning invoice expired",
        explanation: "The Lightning invoice expired before it was paid, so the server will \
                      not accept a payment for it.",
        steps: &[FRESH_CHALLENGE],
    },
    Rejection {
        kind: "lightning/challenge-expired",
        summary: "the challenge expired",
        explanation: "The challenge expired before the credential arrived.",
        steps: &[FRESH_CHALLENGE],
    },
    Rejection {
        kind: "lightning/session-not-found",
        summary: "the payment session does not exist",
        explanation: "The credential names a Lightning payment session the server does not \
                      know (never opened, or forgotten).",
        steps: &["Open a new session: request a fresh challenge with intent `session` and pay its deposit."],
    },
    Rejection {
        kind: "lightning/session-closed",
        summary: "the payment session is closed",
        explanation: "The Lightning payment session named by the credential has been closed.",
        steps: &["Open a new session: request a fresh challenge with intent `session` and pay its deposit."],
    },
    Rejection {
        kind: "lightning/insufficient-balance",
        summary: "the session balance is too low",
        explanation: "The prepaid balance of the Lightning session does not cover this \
                      request.",
        steps: &["Top up the session, or open a new session with a larger deposit."],
    },
    Rejection {
        kind: "lightning/invalid-return-invoice",
        summary: "the return invoice is invalid",
        explanation: "The return (refund) invoice in the credential is not a valid BOLT11 \
                      invoice the server can pay back to.",
        steps: &[
            "Provide a fresh BOLT11 invoice from your wallet, on the same network as the \
             challenge, for the refund.",
        ],
    },
];
