"""Synthetic product photos for tests: a labelled box with an optional EAN-13.

Shared by the pure-Python unit tests and the Django-side tests.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)  # scalable since Pillow 10.1


def render_ean13(ean13: str) -> Image.Image:
    """Render an EAN-13 (12 digits, or 13 with a correct check digit) as an RGB image."""
    import barcode
    from barcode.writer import ImageWriter

    code = barcode.get("ean13", ean13[:12], writer=ImageWriter())
    if len(ean13) == 13 and code.get_fullcode() != ean13:
        raise ValueError(f"bad EAN-13 check digit in {ean13!r} (expected {code.get_fullcode()})")
    return code.render({"module_width": 0.4, "module_height": 18.0, "quiet_zone": 6.5, "font_size": 12}).convert("RGB")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and draw.textlength(trial, font=font) > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def make_product_photo(
    path_or_none: str | Path | None,
    *,
    label: str,
    ean13: str | None,
    size: tuple[int, int] = (1600, 1200),
    blur: float = 0,
    seed: int = 42,
) -> bytes:
    """Draw a white product box with a printed label (and barcode) on a table; return JPEG bytes."""
    width, height = size
    rng = random.Random(seed)
    photo = Image.new("RGB", size, (142, 118, 92))
    draw = ImageDraw.Draw(photo)
    for y in range(0, height, 6):  # wood-ish grain so the background is not flat
        shade = rng.randint(-14, 14)
        draw.rectangle([0, y, width, y + 5], fill=(142 + shade, 118 + shade, 92 + shade))

    box = (int(width * 0.08), int(height * 0.08), int(width * 0.92), int(height * 0.92))
    draw.rectangle((box[0] + 14, box[1] + 14, box[2] + 14, box[3] + 14), fill=(70, 58, 45))  # shadow
    draw.rectangle(box, fill=(246, 246, 244), outline=(40, 40, 40), width=4)

    inner_width = box[2] - box[0] - 2 * int(width * 0.05)
    font = load_font(max(16, int(height * 0.075)))
    y = box[1] + int(height * 0.06)
    line_height = int(height * 0.075 * 1.35)
    for line in _wrap(draw, label, font, inner_width):
        draw.text((box[0] + int(width * 0.05), y), line, font=font, fill=(15, 15, 15))
        y += line_height

    if ean13:
        code_img = render_ean13(ean13)
        target_w = int((box[2] - box[0]) * 0.45)
        scale = target_w / code_img.width
        code_img = code_img.resize((target_w, int(code_img.height * scale)), Image.Resampling.NEAREST)
        max_h = box[3] - y - int(height * 0.04)
        if code_img.height > max_h > 0:
            code_img = code_img.resize((int(code_img.width * max_h / code_img.height), max_h), Image.Resampling.NEAREST)
        position = (box[2] - code_img.width - int(width * 0.04), box[3] - code_img.height - int(height * 0.03))
        photo.paste(code_img, position)

    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    if path_or_none is not None:
        Path(path_or_none).write_bytes(data)
    return data
