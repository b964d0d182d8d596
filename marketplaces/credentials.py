"""Marketplace credentials, encrypted at rest with AES-256-GCM; decrypted values are handed to
the log redaction (boomer_site/redaction.py) so no log line shows them.

Key: the `BOOMER_SECRET_KEY_ENCRYPTION` setting (from the environment), base64 of 32 random bytes
(`python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`).
Unset: derived from Django's SECRET_KEY with HKDF-SHA256 (info b"boomer-credentials"), so
a dev checkout works out of the box — only where `BOOMER_ENCRYPTION_KEY_DERIVED` allows it:
production refuses to start without a key of its own and never derives one (with a leaked
SECRET_KEY the derived key would open every dump).

Rotation, safe while workers run: the setting may list several keys, comma-separated, newest
first (older ones may also sit in `BOOMER_SECRET_KEY_ENCRYPTION_OLD`). Every listed key
decrypts; the newest seals. 1. `rotate_encryption_key --generate` prints a new key; 2. put it
first in BOOMER_SECRET_KEY_ENCRYPTION on every process (web, workers, beat); 3.
`rotate_encryption_key` re-seals every row under it (`credentials_reencrypt`) and says when none
is left on an older key; 4. drop the old key. Secrets sealed with a key this process does not
know yet (step 2 half deployed) are a retryable error, not a permanent one.

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


class UnknownKey(CredentialsError):
    """Sealed with a key this process does not have: mid-rotation the environment may still be
    on its way, so a retry can help (the account is flagged meanwhile)."""

    permanent = False


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


def configured_keys() -> list[bytes]:
    """BOOMER_SECRET_KEY_ENCRYPTION's keys, newest first, then BOOMER_SECRET_KEY_ENCRYPTION_OLD's."""
    listed = str(settings.BOOMER_SECRET_KEY_ENCRYPTION or "").split(",") + list(settings.BOOMER_SECRET_KEY_ENCRYPTION_OLD)
    return [_decode_key(value.strip()) for value in listed if value.strip()]


def current_key() -> bytes:
    configured = configured_keys()
    if settings.BOOMER_SECRET_KEY_ENCRYPTION:
        return configured[0]
    if not _derived_allowed():
        raise CredentialsError("BOOMER_SECRET_KEY_ENCRYPTION is not set (no key is derived from SECRET_KEY here)")
    return derived_key()


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def _known_keys() -> dict[bytes, bytes]:
    keys = [current_key(), *configured_keys()] + ([derived_key()] if _derived_allowed() else [])
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
        raise UnknownKey(f"credentials sealed with an unknown key ({kid.hex()}): add it to "
                         "BOOMER_SECRET_KEY_ENCRYPTION on this process")
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
    account.attention_since, account.attention_reason = None, ""  # reconnected
    account.save()
    return account


def account_secrets_replace(*, account, secrets: dict) -> None:
    """Seal `secrets` on a row the caller holds locked, under the newest key (nothing else changes)."""
    key = current_key()
    account.secret = seal(secrets, aad=_aad(account.owner_id, account.platform), key=key)
    account.key_id = key_id(key).hex()
    account.save(update_fields=["secret", "key_id", "updated_at"])


def account_secrets(account) -> dict:
    """The decrypted secrets; their values are registered with the log filter."""
    secrets = unseal(account.secret, aad=_aad(account.owner_id, account.platform))
    secret_values_register(secrets)
    return secrets


def credentials_reencrypt() -> tuple[int, list[int]]:
    """Re-seal every account not yet under the newest configured key (one row at a time, each
    locked, so a worker saving a session meanwhile is neither lost nor overwritten). Returns
    (how many moved, ids of the accounts no configured key opens). Run it again at will."""
    new_id = key_id(current_key()).hex()
    moved, unreadable = 0, []
    for pk in MarketplaceAccount.objects.exclude(key_id=new_id).values_list("pk", flat=True):
        with transaction.atomic():
            account = MarketplaceAccount.objects.select_for_update().get(pk=pk)
            if account.key_id == new_id:
                continue
            try:
                secrets = unseal(account.secret, aad=_aad(account.owner_id, account.platform))
            except CredentialsError:
                unreadable.append(pk)
                continue
            account_secrets_replace(account=account, secrets=secrets)
            moved += 1
    return moved, unreadable
