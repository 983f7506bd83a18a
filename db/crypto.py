"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the key from ENCRYPTION_KEY.

ENCRYPTION_KEY may list several keys separated by commas: the first encrypts, all decrypt, so a
key can be rotated without losing what older keys sealed.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from domain.errors import ConfigurationError

GENERATE_HINT = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class SecretBox:
    def __init__(self, key: str | None) -> None:
        keys = [part.strip() for part in (key or "").split(",") if part.strip()]
        if not keys:
            raise ConfigurationError(f"ENCRYPTION_KEY is not set; exchange keys cannot be stored. Generate one with: {GENERATE_HINT}")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError as error:
            raise ConfigurationError("ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes).") from error

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise ConfigurationError("A stored secret cannot be decrypted with the configured ENCRYPTION_KEY.") from error
