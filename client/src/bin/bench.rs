//! Benchmark placeholder, replaced once the contract exists.
fn main() {}
