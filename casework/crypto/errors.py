"""Errors raised by the cryptographic core.

Every message is written for the person who has to act on it, and none contains key material,
plaintext or ciphertext bytes: messages end up in logs and error pages.
"""


class CryptoError(Exception):
    """Base class of every error raised by `casework.crypto`."""


class KeyConfigError(CryptoError):
    """The key configuration (environment or key file) is missing, malformed or unsafe."""


class UnknownKeyError(CryptoError):
    """A key id was asked for that the key ring does not hold."""


class DecryptionError(CryptoError):
    """Stored data could not be authenticated; deliberately says nothing about why.

    Wrong key, wrong row, wrong column, a flipped bit and a truncated value all look the same,
    so the message cannot help an attacker tell them apart.
    """

    def __init__(self, message: str = "stored data failed its integrity check") -> None:
        super().__init__(message)


class UnknownMasterKeyError(DecryptionError):
    """A wrapped data key names a master key that is not in the ring (retired too early?)."""


class BlindIndexInputError(CryptoError, ValueError):
    """A value cannot be normalised for a blind index (empty, or not a phone number, ...)."""


class AuditChainError(CryptoError, ValueError):
    """An audit event or checkpoint cannot be serialised or parsed."""
