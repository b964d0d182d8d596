"""Generated photos for the offline-provider tests that products/samples.py does not draw:
book covers, labels with a trademark sign, and barcodes whose bars are torn."""

from __future__ import annotations

import barcode
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw

from tests.photos import load_font


def book_cover(title_lines: list[str], author: str, *, subtitle: str | None = None,
               size: tuple[int, int] = (1000, 1500)) -> Image.Image:
    """A plain cover: a big title (one line or more), an optional subtitle and a smaller author line."""
    width, height = size
    img = Image.new("RGB", size, (28, 52, 84))
    draw = ImageDraw.Draw(img)
    title_font, small_font = load_font(int(height * 0.08)), load_font(int(height * 0.037))
    y = int(height * 0.17)
    for line in title_lines:
        draw.text((int(width * 0.09), y), line, font=title_font, fill=(250, 240, 220))
        y += int(height * 0.107)
    if subtitle:
        draw.text((int(width * 0.09), y + int(height * 0.04)), subtitle, font=small_font, fill=(230, 230, 230))
    draw.text((int(width * 0.09), int(height * 0.85)), author, font=small_font, fill=(230, 230, 230))
    return img


def label_photo(lines: list[tuple[str, int]], *, size: tuple[int, int] = (1400, 1000),
                barcode_image: Image.Image | None = None) -> Image.Image:
    """A white product label on a grey table: (text, font size) lines, and a barcode bottom right."""
    width, height = size
    img = Image.new("RGB", size, (120, 120, 118))
    draw = ImageDraw.Draw(img)
    box = (int(width * 0.06), int(height * 0.06), int(width * 0.94), int(height * 0.94))
    draw.rectangle(box, fill=(248, 248, 246), outline=(40, 40, 40), width=4)
    y = box[1] + 50
    for text, font_size in lines:
        draw.text((box[0] + 60, y), text, font=load_font(font_size), fill=(15, 15, 15))
        y += int(font_size * 1.4)
    if barcode_image is not None:
        img.paste(barcode_image, (box[2] - barcode_image.width - 50, box[3] - barcode_image.height - 40))
    return img


def torn_barcode(kind: str, digits: str, printed: str, *, scale: float = 1.4) -> Image.Image:
    """Bars of a real code with a strip torn out of them (no decoder reads it), and `printed`
    drawn under them as the human-readable digits (which may disagree with the bars)."""
    bars = barcode.get(kind, digits, writer=ImageWriter()).render({"write_text": False, "quiet_zone": 4}).convert("RGB")
    draw = ImageDraw.Draw(bars)
    draw.rectangle((int(bars.width * 0.42), 0, int(bars.width * 0.58), bars.height), fill="white")
    text_height = 44
    sticker = Image.new("RGB", (bars.width, bars.height + text_height + 10), "white")
    sticker.paste(bars, (0, 0))
    font = load_font(text_height - 8)
    sticker_draw = ImageDraw.Draw(sticker)
    text_width = sticker_draw.textlength(printed, font=font)
    sticker_draw.text(((bars.width - text_width) / 2, bars.height + 2), printed, font=font, fill="black")
    return sticker.resize((int(sticker.width * scale), int(sticker.height * scale)), Image.Resampling.LANCZOS)
