"""Stored photos as `Media`: a public URL for platforms that fetch images themselves and a
bytes loader for those that need an upload. The caller hands over the stored files
(listings/publishing.py: `product_media`); nothing here knows a product.

A platform fetches a photo without signing in, so it gets an unguessable URL that expires
after BOOMER_PUBLIC_MEDIA_SECONDS (boomer_site/media_urls.py: signed `/media/signed/…` with
filesystem storage, presigned with S3); `/media/` opens nothing else to anyone not signed in.

`BOOMER_PUBLIC_MEDIA_URL` makes that URL one the platforms can reach:
- a string: a prefix joined with the signed URL when that is relative
  (e.g. "https://boomer.example.com" + "/media/signed/…/products/…");
- a callable, or the dotted path of one, `f(image_field_file) -> str` (e.g. a CDN's own signed
  URLs): its answer is used as is.
Unset: BOOMER_PUBLIC_BASE_URL (the site's own address) as the prefix; an absolute (presigned S3)
URL is kept as is.
"""
from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from urllib.parse import urljoin

from django.conf import settings
from django.utils.module_loading import import_string

from boomer_site.media_urls import media_url

from .base import Media


def public_url(field_file) -> str:
    builder = settings.BOOMER_PUBLIC_MEDIA_URL or settings.BOOMER_PUBLIC_BASE_URL
    if isinstance(builder, str) and "." in builder and not builder.startswith(("http://", "https://")):
        builder = import_string(builder)
    if callable(builder):
        return builder(field_file)
    url = media_url(field_file.name, seconds=settings.BOOMER_PUBLIC_MEDIA_SECONDS, storage=field_file.storage)
    if builder and not url.startswith(("http://", "https://")):
        return urljoin(builder.rstrip("/") + "/", url.lstrip("/"))
    return url


def _loader(field_file):
    def load() -> bytes:
        with field_file.storage.open(field_file.name, "rb") as handle:
            return handle.read()
    return load


def media_of(field_files: Iterable) -> list[Media]:
    """Stored image files (in display order) as Media."""
    media = []
    for field_file in field_files:
        name = field_file.name.rsplit("/", 1)[-1]
        media.append(Media(
            url=public_url(field_file), load=_loader(field_file), filename=name,
            content_type=mimetypes.guess_type(name)[0] or "image/jpeg",
        ))
    return media
