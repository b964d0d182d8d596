"""Short-lived URLs to stored files (photos, exports, failure screenshots) for whoever may not
sign in: a marketplace fetching a photo, a seller's browser showing one from the API.

Filesystem storage: `/media/signed/<expires>.<signature>/<name>` — the signature (Django's
signing, keyed by SECRET_KEY) covers the name and the expiry, so a URL opens that one file until
then and cannot be guessed or stretched; desk/media_views.py checks it. The name stays last so
the URL still ends in the file's extension (some platforms look at it). S3 storage: a presigned
URL with the same lifetime.
"""
from __future__ import annotations

import time

from django.core import signing
from django.core.files.storage import default_storage
from django.utils.crypto import constant_time_compare

SIGNED_PREFIX = "signed/"
_signer = signing.Signer(salt="boomer.media-url")


def _signature(name: str, expires: int) -> str:
    return _signer.signature(f"{name}\n{expires}")


def media_signature_valid(*, name: str, expires: str, signature: str) -> bool:
    """True while `expires` (unix seconds) is ahead and the signature is this name's and expiry's."""
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return constant_time_compare(signature, _signature(name, int(expires)))


def media_url(name: str, *, seconds: int, storage=None) -> str:
    """A URL opening the stored file `name` for `seconds`, to anyone holding it (relative to this
    site with filesystem storage, absolute and presigned with S3)."""
    storage = storage or default_storage
    try:
        storage.path(name)
    except NotImplementedError:  # remote storage (S3): its own presigned URL
        return storage.url(name, expire=seconds)
    expires = int(time.time()) + seconds
    return storage.url(f"{SIGNED_PREFIX}{expires}.{_signature(name, expires)}/{name}")
