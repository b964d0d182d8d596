"""Marketplace credentials, encrypted at rest with AES-256-GCM; decrypted values are handed to
the log redaction (boomer_site/redaction.py) so no log line shows them.

Key: the `BOOMER_SECRET_KEY_ENCRYPTION` setting (from the environment), base64 of 32 random bytes
(`python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`).
Unset: derived from Django's SECRET_KEY with HKDF-SHA256 (info b"boomer-credentials"), so
a dev checkout works out of the box — only where `BOOMER_ENCRYPTION_KEY_DERIVED` allows it:
production refuses to start without a key of its own and never derives one (with a leaked
SECRET_KEY the derived key would open every dump). Old keys listed in
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
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction

from boomer_site.redaction import secret_values_register
from marketplaces.models import MarketplaceAccount

MAGIC = b"B1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12


class CredentialsError(Exception):
    permanent = True


# --- keys ------------------------------------------------------------------------------------
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


def _derived_allowed() -> bool:
    return getattr(settings, "BOOMER_ENCRYPTION_KEY_DERIVED", True)


def current_key() -> bytes:
    configured = settings.BOOMER_SECRET_KEY_ENCRYPTION
    if configured:
        return _decode_key(configured)
    if not _derived_allowed():
        raise CredentialsError("BOOMER_SECRET_KEY_ENCRYPTION is not set (no key is derived from SECRET_KEY here)")
    return derived_key()


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def _known_keys() -> dict[bytes, bytes]:
    keys = [current_key()] + ([derived_key()] if _derived_allowed() else [])
    keys += [_decode_key(k.strip()) for k in settings.BOOMER_SECRET_KEY_ENCRYPTION_OLD if k.strip()]
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
def account_save(*, owner, platform: str, secrets: dict, label: str = "") -> MarketplaceAccount:
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
