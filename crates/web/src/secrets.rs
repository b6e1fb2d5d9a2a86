//! Secrets kept at rest encrypted: each person's second-factor (TOTP) secret is sealed with
//! ChaCha20-Poly1305 under a key the server takes from its environment
//! (`SENDTRACK_SECRET_KEY`, 64 hexadecimal digits), bound to the person's e-mail so that a
//! sealed secret copied onto another account does not open. A copy of the database alone does
//! not give anyone the codes.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

/// The environment variable that holds the key.
pub const KEY_VARIABLE: &str = "SENDTRACK_SECRET_KEY";

/// What a sealed secret starts with (the scheme, for a later change of cipher).
const SEALED: &str = "v1:";

/// The server's key for secrets at rest.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(hidden)")
    }
}

impl SecretKey {
    /// A key written as 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<SecretKey, String> {
        let text = text.trim();
        let bytes = hex(text).filter(|b| b.len() == 32).ok_or_else(|| {
            format!("{KEY_VARIABLE} must be 64 hexadecimal digits (32 random bytes, for example from `openssl rand -hex 32`)")
        })?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(SecretKey(key))
    }

    /// The key in the environment, if it is set.
    pub fn from_environment() -> Result<Option<SecretKey>, String> {
        match std::env::var(KEY_VARIABLE) {
            Ok(text) => SecretKey::from_hex(&text).map(Some),
            Err(_) => Ok(None),
        }
    }

    /// A new random key (for the demo), written as hex.
    pub fn random_hex() -> Option<String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).ok()?;
        Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// `secret` sealed for `email`'s account, as stored.
    pub fn seal(&self, secret: &str, email: &str) -> Option<String> {
        let cipher = ChaCha20Poly1305::new_from_slice(&self.0).ok()?;
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).ok()?;
        let sealed =
            cipher.encrypt(&Nonce::from(nonce), Payload { msg: secret.as_bytes(), aad: email.as_bytes() }).ok()?;
        let text: String = nonce.iter().chain(&sealed).map(|b| format!("{b:02x}")).collect();
        Some(format!("{SEALED}{text}"))
    }

    /// The secret a stored value holds for `email`'s account: `None` when it does not open
    /// (another key, another account, tampered with). A value stored before secrets were
    /// sealed is read as it is.
    pub fn open(&self, stored: &str, email: &str) -> Option<String> {
        let Some(text) = stored.strip_prefix(SEALED) else { return Some(stored.to_string()) };
        let bytes = hex(text).filter(|b| b.len() > 12)?;
        let cipher = ChaCha20Poly1305::new_from_slice(&self.0).ok()?;
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let plain = cipher.decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad: email.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_for_its_account() {
        let key = SecretKey::from_hex(&"ab".repeat(32)).unwrap();
        let sealed = key.seal("JBSWY3DPEHPK3PXP", "case@example.org").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open(&sealed, "case@example.org").as_deref(), Some("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.open(&sealed, "other@example.org"), None, "bound to the account");
        let other = SecretKey::from_hex(&"cd".repeat(32)).unwrap();
        assert_eq!(other.open(&sealed, "case@example.org"), None, "another key");
        let mut tampered = sealed.clone();
        tampered.replace_range(sealed.len() - 2.., "00");
        assert_eq!(key.open(&tampered, "case@example.org"), None);
        assert_ne!(key.seal("JBSWY3DPEHPK3PXP", "case@example.org").unwrap(), sealed, "a fresh nonce each time");
        assert!(SecretKey::from_hex("short").is_err());
        assert_eq!(key.open("JBSWY3DPEHPK3PXP", "case@example.org").as_deref(), Some("JBSWY3DPEHPK3PXP"), "legacy");
    }
}
