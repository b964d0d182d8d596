"""Marketplace credentials, encrypted at rest with AES-256-GCM, and a log filter that keeps
secrets out of logs.

Key: `BOOMER_SECRET_KEY_ENCRYPTION` (env or setting), base64 of 32 random bytes
(`python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`).
Unset: derived from Django's SECRET_KEY with HKDF-SHA256 (info b"boomer-credentials"), so
a dev checkout works out of the box; production should set its own key. Old keys listed in
`BOOMER_SECRET_KEY_ENCRYPTION_OLD` (comma-separated base64) can still decrypt until
`key_rotate` re-encrypts the rows with the current key.

Stored blob: b"B1" | key id (8 bytes) | nonce (12 random bytes, new for each encryption) |
ciphertext+tag. The key id is the first 8 bytes of SHA-256(key): it picks the key without
revealing it. The associated data binds a blob to its owner and platform, so a ciphertext
copied onto another row does not decrypt.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import re
import threading

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

MAGIC = b"B1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12


class CredentialsError(Exception):
    permanent = True


# --- keys ------------------------------------------------------------------------------------
def _setting(name: str) -> str:
    return os.environ.get(name) or getattr(settings, name, "") or ""


def _decode_key(value: str | bytes) -> bytes:
    if isinstance(value, bytes) and len(value) == 32:
        return value
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CredentialsError("an encryption key must be base64 of 32 bytes") from None
    if len(key) != 32:
        raise CredentialsError(f"an encryption key must be 32 bytes, got {len(key)}")
    return key


def derived_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"boomer-credentials").derive(
        settings.SECRET_KEY.encode())


def current_key() -> bytes:
    configured = _setting("BOOMER_SECRET_KEY_ENCRYPTION")
    return _decode_key(configured) if configured else derived_key()


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def _known_keys() -> dict[bytes, bytes]:
    keys = [current_key(), derived_key()]
    keys += [_decode_key(k.strip()) for k in _setting("BOOMER_SECRET_KEY_ENCRYPTION_OLD").split(",") if k.strip()]
    return {key_id(k): k for k in keys}


# --- sealing ---------------------------------------------------------------------------------
def _aad(owner_id, platform: str) -> bytes:
    return f"boomer-credentials:{owner_id}:{platform}".encode()


def seal(secrets: dict, *, aad: bytes, key: bytes | None = None) -> bytes:
    key = key or current_key()
    nonce = os.urandom(NONCE_BYTES)
    plaintext = json.dumps(secrets, separators=(",", ":"), sort_keys=True).encode()
    return MAGIC + key_id(key) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(blob: bytes, *, aad: bytes, keys: dict[bytes, bytes] | None = None) -> dict:
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        raise CredentialsError("unknown credentials format")
    kid = blob[2:2 + KEY_ID_BYTES]
    key = (keys or _known_keys()).get(kid)
    if key is None:
        raise CredentialsError(f"credentials sealed with an unknown key ({kid.hex()}): set the key and retry")
    nonce = blob[2 + KEY_ID_BYTES:2 + KEY_ID_BYTES + NONCE_BYTES]
    try:
        plaintext = AESGCM(key).decrypt(nonce, blob[2 + KEY_ID_BYTES + NONCE_BYTES:], aad)
    except Exception:
        raise CredentialsError("credentials could not be decrypted (tampered, or sealed for another account)") from None
    return json.loads(plaintext)


# --- services --------------------------------------------------------------------------------
@transaction.atomic
def account_save(*, owner, platform: str, secrets: dict, label: str = ""):
    from marketplaces.models_credentials import MarketplaceAccount

    key = current_key()
    account, _ = MarketplaceAccount.objects.select_for_update().get_or_create(
        owner=owner, platform=platform, defaults={"secret": b"", "key_id": ""})
    account.secret = seal(secrets, aad=_aad(owner.pk, platform), key=key)
    account.key_id = key_id(key).hex()
    account.label = label or account.label
    account.save()
    return account


def account_secrets(account) -> dict:
    """The decrypted secrets; their values are registered with the log filter."""
    secrets = unseal(account.secret, aad=_aad(account.owner_id, account.platform))
    secret_values_register(secrets)
    return secrets


def key_rotate(*, old_key: str | bytes, new_key: str | bytes) -> int:
    """Re-encrypt every account sealed with `old_key` under `new_key`; the count."""
    from marketplaces.models_credentials import MarketplaceAccount

    old, new = _decode_key(old_key), _decode_key(new_key)
    old_id, new_id = key_id(old).hex(), key_id(new).hex()
    done = 0
    with transaction.atomic():
        for account in MarketplaceAccount.objects.select_for_update().filter(key_id=old_id):
            aad = _aad(account.owner_id, account.platform)
            secrets = unseal(account.secret, aad=aad, keys={key_id(old): old})
            account.secret = seal(secrets, aad=aad, key=new)
            account.key_id = new_id
            account.save(update_fields=["secret", "key_id", "updated_at"])
            done += 1
    return done


# --- logging ---------------------------------------------------------------------------------
REDACTED = "[REDACTED]"
_SECRET_NAMES = r"client_secret|refresh_token|access_token|id_token|password|api_key|secret|storage_state|cookies?"
_PATTERNS = [
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/#^|=:!*%]+"), r"\1 " + REDACTED),
    (re.compile(rf"(?i)\b({_SECRET_NAMES})=([^&\s'\",;]+)"), r"\1=" + REDACTED),
    (re.compile(rf"""(?i)(["']?\b(?:{_SECRET_NAMES})\b["']?\s*[:=]\s*)("[^"]*"|'[^']*')"""), r'\1"' + REDACTED + '"'),
]
_known_values: dict[str, None] = {}
_known_lock = threading.Lock()
MAX_KNOWN = 2000


def secret_values_register(secrets) -> None:
    """Remember secret values (strings of 6+ chars, nested too) so the filter redacts them verbatim."""
    values = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 6:
            values.append(value)

    walk(secrets)
    with _known_lock:
        for value in values:
            _known_values[value] = None
        while len(_known_values) > MAX_KNOWN:
            _known_values.pop(next(iter(_known_values)))


def redact(text: str) -> str:
    with _known_lock:
        known = sorted(_known_values, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) with secrets replaced.

    A filter on a logger only sees that logger's own records, so attach it to handlers
    (LOGGING "filters"/"handlers") to cover everything; `install_log_filter()` attaches it
    to the marketplaces loggers BOOMER creates."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_filter = RedactSecretsFilter()
MARKETPLACE_LOGGERS = ("marketplaces", "marketplaces.adapters.ebay", "marketplaces.adapters.facebook",
                       "marketplaces.adapters.mercari", "marketplaces.adapters.file_export", "marketplaces.breakers",
                       "marketplaces.credentials")


def install_log_filter(names=MARKETPLACE_LOGGERS) -> RedactSecretsFilter:
    for name in names:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
    return _filter


install_log_filter()
