"""Decoding uploaded photos into normalised RGB Pillow images."""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageOps, UnidentifiedImageError


@functools.cache
def _register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF (iPhone photos); done once per process."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # optional: without it HEIC uploads are rejected as unreadable
        return
    register_heif_opener()


def open_image(data: bytes) -> Image.Image:
    """Open image bytes upright (EXIF orientation applied), as fully loaded RGB.

    Raises ValueError with a message fit for the user when the bytes are not a
    readable image.
    """
    if not data:
        raise ValueError("The file is empty, not an image.")
    _register_heif()
    try:
        img = Image.open(io.BytesIO(data))
        img = ImageOps.exif_transpose(img)
        img.load()
        img = _to_rgb(img)
    except Image.DecompressionBombError as exc:
        raise ValueError("The image is too large to process.") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValueError(
            "The file is not a readable image (supported: JPEG, PNG, WebP, HEIC and other common formats)."
        ) from exc
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """Flatten transparency onto white: a plain convert('RGB') turns it black."""
    if img.mode == "RGB":
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def downscale(img: Image.Image, max_side: int) -> Image.Image:
    """Shrink so the longer side is at most max_side, keeping aspect ratio.

    Returns the very same object when it is already small enough.
    """
    if max_side <= 0:
        raise ValueError("max_side must be positive")
    width, height = img.size
    longest = max(width, height)
    if longest <= max_side:
        return img
    scale = max_side / longest
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return img.resize(new_size, Image.Resampling.LANCZOS, reducing_gap=3.0)
