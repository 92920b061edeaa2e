//! Identifier formats: what Zoom's ids look like, drawn from the caller's generator.
//!
//! User and group ids are 22 base62 characters, meeting ids 11 digits (BEHAVIOR §6.1), meeting
//! UUIDs 16 random bytes in standard base64 (so they contain `+`, `/` and end in `==`).

use base64::Engine as _;
use rand::Rng;

const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` random base62 characters.
pub fn base62(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| BASE62[rng.random_range(0..BASE62.len())] as char)
        .collect()
}

pub fn user_id(rng: &mut impl Rng) -> String {
    base62(rng, 22)
}

pub fn group_id(rng: &mut impl Rng) -> String {
    base62(rng, 22)
}

pub fn file_id(rng: &mut impl Rng) -> String {
    format!("{}-{}", base62(rng, 8), base62(rng, 12)).to_lowercase()
}

/// An 11-digit meeting id (8xxxxxxxxxx), as an i64 because it does not fit an i32.
pub fn meeting_id(rng: &mut impl Rng) -> i64 {
    80_000_000_000 + rng.random_range(0..10_000_000_000i64)
}

/// A meeting-instance UUID: 24 characters of standard base64.
pub fn meeting_uuid(rng: &mut impl Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
