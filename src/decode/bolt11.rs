//! STUB (owned by the decoders helper): BOLT11 invoice decoding.
