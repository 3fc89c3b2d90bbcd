//! Every secret (session ids, reset tokens, SMS codes, TOTP secrets) comes from the OS CSPRNG.
//! The source is a trait so a test can count or replay what was drawn.

use std::sync::Arc;

pub trait SecureRandom: Send + Sync + std::fmt::Debug {
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's generator (`getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl SecureRandom for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        // getrandom fails only when the OS has no entropy source at all; serving
        // predictable secrets would be worse than stopping.
        #[allow(clippy::expect_used)]
        getrandom::fill(buf).expect("the operating system random number generator failed");
    }
}

pub type SharedRandom = Arc<dyn SecureRandom>;

/// `N` random bytes.
pub fn bytes<const N: usize>(rng: &dyn SecureRandom) -> [u8; N] {
    let mut buf = [0u8; N];
    rng.fill(&mut buf);
    buf
}

/// A uniformly random integer below `bound` (rejection sampling, no modulo bias).
pub fn below(rng: &dyn SecureRandom, bound: u32) -> u32 {
    assert!(bound > 0, "bound must be positive");
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let v = u32::from_le_bytes(bytes::<4>(rng));
        if v < zone {
            return v % bound;
        }
    }
}
