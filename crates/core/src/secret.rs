//! The portal's 256-bit key: it encrypts TOTP secrets at rest (XChaCha20-Poly1305,
//! a fresh random nonce per value) and keys the hashes of short codes (HMAC-SHA256), so a copy
//! of the database alone yields neither secrets nor brute-forceable code hashes.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

use crate::random::{self, SecureRandom};

#[derive(Clone)]
pub struct SecretKey([u8; 32]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("encrypted value is damaged or was made with another key")]
    Undecryptable,
}

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn generate(rng: &dyn SecureRandom) -> Self {
        Self(random::bytes::<32>(rng))
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// `nonce || ciphertext`; `context` is bound as associated data so a value cannot be moved
    /// to another row or purpose.
    pub fn encrypt(&self, plaintext: &[u8], context: &[u8], rng: &dyn SecureRandom) -> Vec<u8> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let nonce = random::bytes::<24>(rng);
        // Encryption with a valid key and nonce length cannot fail.
        let sealed =
            cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context }).unwrap_or_default();
        [nonce.as_slice(), sealed.as_slice()].concat()
    }

    pub fn decrypt(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, SecretError> {
        if sealed.len() < 24 {
            return Err(SecretError::Undecryptable);
        }
        let (nonce, body) = sealed.split_at(24);
        XChaCha20Poly1305::new((&self.0).into())
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: context })
            .map_err(|_| SecretError::Undecryptable)
    }

    /// HMAC-SHA256 of `data` under a purpose label, hex-encoded.
    pub fn keyed_hash(&self, purpose: &str, data: &[u8]) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    #[test]
    fn values_round_trip_only_with_the_same_key_and_context() {
        let key = SecretKey::generate(&OsRandom);
        let sealed = key.encrypt(b"secret", b"factor:1", &OsRandom);
        assert_eq!(key.decrypt(&sealed, b"factor:1").unwrap(), b"secret");
        assert_eq!(key.decrypt(&sealed, b"factor:2"), Err(SecretError::Undecryptable));
        assert_eq!(SecretKey::generate(&OsRandom).decrypt(&sealed, b"factor:1"), Err(SecretError::Undecryptable));
        assert_ne!(key.encrypt(b"secret", b"factor:1", &OsRandom), sealed, "fresh nonce each time");
    }

    #[test]
    fn keyed_hashes_depend_on_key_and_purpose() {
        let key = SecretKey::from_bytes([7; 32]);
        assert_eq!(key.keyed_hash("sms", b"123456"), key.keyed_hash("sms", b"123456"));
        assert_ne!(key.keyed_hash("sms", b"123456"), key.keyed_hash("other", b"123456"));
        assert_ne!(key.keyed_hash("sms", b"123456"), SecretKey::from_bytes([8; 32]).keyed_hash("sms", b"123456"));
    }
}
