//! Column types with behaviour of their own, beyond what SeaORM maps out of the box.
//!
//! * [`encrypted`]: [`EncryptedString`] and [`EncryptedText`], encrypted on the client
//!   with a [`Keyring`] (Fernet, compatible with Python's Advanced Alchemy, or
//!   XChaCha20-Poly1305).

pub mod encrypted;

pub use encrypted::{EncryptedString, EncryptedText, EncryptionError, EncryptionKey, Keyring};
