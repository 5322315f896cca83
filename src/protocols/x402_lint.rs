//! STUB: lints for x402 challenges (findings for the server developer).
