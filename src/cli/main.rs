//! STUB: the why402 command line.
fn main() {}
