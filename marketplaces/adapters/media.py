"""Photos of a product as `Media`: a public URL for platforms that fetch images themselves
and a bytes loader for those that need an upload.

`BOOMER_PUBLIC_MEDIA_URL` turns a stored image into a URL the platforms can reach:
- a string: a prefix joined with `image.url` when that is relative
  (e.g. "https://boomer.example.com" + "/media/products/…");
- a callable, or the dotted path of one, `f(image_field_file) -> str`, e.g. to sign S3 URLs.
Unset: BOOMER_PUBLIC_BASE_URL (the site's own address) as the prefix; an absolute `image.url`
(S3 storage) is kept as is.
"""
from __future__ import annotations

import mimetypes
from urllib.parse import urljoin

from django.utils.module_loading import import_string

from .base import Media, conf


def public_url(field_file) -> str:
    builder = conf("BOOMER_PUBLIC_MEDIA_URL", None) or conf("BOOMER_PUBLIC_BASE_URL", None)
    if isinstance(builder, str) and "." in builder and not builder.startswith(("http://", "https://")):
        builder = import_string(builder)
    if callable(builder):
        return builder(field_file)
    url = field_file.url
    if builder and not url.startswith(("http://", "https://")):
        return urljoin(builder.rstrip("/") + "/", url.lstrip("/"))
    return url


def _loader(field_file):
    def load() -> bytes:
        with field_file.storage.open(field_file.name, "rb") as handle:
            return handle.read()
    return load


def product_media(product) -> list[Media]:
    """The product's photos in their display order."""
    media = []
    for image in product.images.all().order_by("position", "id"):
        name = image.image.name.rsplit("/", 1)[-1]
        media.append(Media(
            url=public_url(image.image), load=_loader(image.image), filename=name,
            content_type=mimetypes.guess_type(name)[0] or "image/jpeg",
        ))
    return media
