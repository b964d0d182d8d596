"""The one check every incoming photo passes, whether from the inbox or the API.

A photo is accepted only if it is non-empty, under the size cap, a real image Pillow can
decode to the last byte, not a decompression bomb, and big enough to show an item. Everything else is refused with a
reason a seller can act on.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

from marketplaces.platforms import PLATFORMS

register_heif_opener()

# Below this on either side a photo cannot show an item (a 1-pixel PNG is not a product photo).
MIN_PHOTO_SIDE = 100
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "heic", "GIF": "gif", "TIFF": "tiff", "BMP": "bmp", "MPO": "jpg"}


class PhotoRejected(ValueError):
    """The photo cannot be used; str(exc) says why in words a seller understands."""


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    data: bytes
    sha256: str
    format: str
    extension: str
    width: int
    height: int


def photo_size_check(size: int) -> None:
    """Refuse an oversize file before anyone reads it into memory."""
    cap = settings.BOOMER_MAX_UPLOAD_BYTES
    if size > cap:
        raise PhotoRejected(f"too large: {size / 1e6:.1f} MB, the limit is {cap / 1e6:.0f} MB")


def photo_check(*, name: str, data: bytes) -> CheckedPhoto:
    if not data:
        raise PhotoRejected("empty file (0 bytes)")
    photo_size_check(len(data))
    limit = settings.BOOMER_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                if width * height > limit:
                    raise PhotoRejected(
                        f"decompression bomb: {width}x{height} = {width * height:,} pixels, "
                        f"the limit is {limit:,}"
                    )
                fmt = img.format or ""
                img.load()  # decodes every byte: a truncated file fails here
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected(f"decompression bomb: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected("not an image: the file's content is not a photo format BOOMER reads") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        message = str(exc)
        if "truncated" in message or "broken data stream" in message or "premature end" in message.lower():
            raise PhotoRejected(f"truncated image: the file ends before the picture does ({message})") from exc
        raise PhotoRejected(f"damaged image: {message}") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise PhotoRejected(f"unsupported image format {fmt or 'unknown'}: use JPEG, PNG, WebP or HEIC")
    if min(width, height) < MIN_PHOTO_SIDE:
        raise PhotoRejected(f"too small to show an item: {width}x{height} pixels, a photo needs at least "
                            f"{MIN_PHOTO_SIDE} on each side")
    return CheckedPhoto(
        name=name, data=data, sha256=hashlib.sha256(data).hexdigest(), format=fmt,
        extension=ACCEPTED_FORMATS[fmt], width=width, height=height,
    )


def photo_warnings(*, name: str, width: int, height: int) -> list[str]:
    """What an accepted photo lacks for a marketplace (e.g. eBay's minimum long edge): the item
    goes on, the reviewer is told."""
    return [f"{name} is {width}x{height} pixels: {p.label} asks for at least {p.photo_min_long_edge} on the longest side"
            for p in PLATFORMS.values() if p.listable and max(width, height) < p.photo_min_long_edge]
