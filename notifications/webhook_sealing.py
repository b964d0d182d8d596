"""A seller's webhook URL and signing secret are secrets (the URL often carries a token): sealed
at rest with the credentials key like marketplace credentials (AES-256-GCM, bound to the
seller), re-sealed by `rotate_encryption_key`, and registered with the log redaction whenever
they are opened."""
from __future__ import annotations

from boomer_site.redaction import secret_values_register
from marketplaces.credentials import current_key, key_id, seal, unseal

EMPTY = {"url": "", "secret": ""}


def _aad(user_id) -> bytes:
    return f"boomer-webhook:{user_id}".encode()


def webhook_seal(*, user_id, url: str, secret: str) -> tuple[bytes, str]:
    """(sealed blob, key id) for a webhook; (b"", "") for none."""
    if not url:
        return b"", ""
    key = current_key()
    return seal({"url": url, "secret": secret or ""}, aad=_aad(user_id), key=key), key_id(key).hex()


def webhook_unseal(*, user_id, blob) -> dict:
    """{"url", "secret"} of a sealed webhook (both "" for none)."""
    if not blob:
        return dict(EMPTY)
    values = unseal(bytes(blob), aad=_aad(user_id))
    secret_values_register(values)
    return {"url": str(values.get("url", "")), "secret": str(values.get("secret", ""))}

