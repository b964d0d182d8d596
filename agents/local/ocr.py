"""Printed-text recognition with RapidOCR, using only the models shipped in its wheel.

RapidOCR 3.x's default config (PP-OCRv6 det/rec "small", PP-OCRv4 cls) resolves
to the ONNX files bundled in ``rapidocr/models``; its downloader sees they exist
with the right SHA-256 and skips the network, so no extra config is needed.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from .imaging import downscale

MIN_SCORE = 0.5

_engine: Any = None
# One lock for creation and inference: RapidOCR keeps per-call parameters on the
# engine object, so concurrent calls from web threads must not interleave.
_lock = threading.Lock()


@dataclass(frozen=True)
class TextLine:
    text: str
    score: float
    # Printed size: the box's height as a fraction of the photo's longer side, so
    # lines compare across photos whatever their resolution (0.0: not measured).
    height: float = 0.0


@dataclass
class _Box:
    text: str
    score: float
    left: float
    right: float
    top: float
    bottom: float
    height: float  # along the text's vertical edges, so a tilted line is not overstated


def _box(text: str, score: float, corners: Any) -> _Box | None:
    """Corners run clockwise from top-left; None when the engine gave no usable box."""
    try:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((float(x), float(y)) for x, y in corners)
    except (TypeError, ValueError):
        return None
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    xs, ys = (x0, x1, x2, x3), (y0, y1, y2, y3)
    return _Box(text, score, min(xs), max(xs), min(ys), max(ys), height)


_MARKS = {"TM": "\u2122", "(TM)": "\u2122", "\u2122": "\u2122", "\u00ae": "\u00ae", "(R)": "\u00ae"}


def _left_neighbour(boxes: list[_Box], box: _Box) -> _Box | None:
    """The box printed just left of `box` on the same row, if any."""
    centre = (box.top + box.bottom) / 2
    near = [
        other for other in boxes
        if other is not box and other.text and other.top <= centre <= other.bottom
        and box.left - 0.6 * other.height <= other.right <= box.left + 0.6 * other.height and other.left < box.left
    ]
    return min(near, key=lambda other: abs(box.left - other.right), default=None)


def _attach_marks(boxes: list[_Box]) -> list[_Box]:
    """Give a trademark sign back to the word it follows ("LUMORA" + "TM" -> "LUMORA\u2122").

    The detector often boxes a superscript \u2122/\u00ae on its own (read "TM") or glues it
    to the front of the next word ("\u2122Trail Flask"); the sign is evidence of a brand
    only next to the word it marks.
    """
    for box in boxes:
        text = box.text.strip()
        mark = _MARKS.get(text.upper())
        leading = text[:1] in ("\u2122", "\u00ae") and len(text) > 1
        if not (mark or leading) or (host := _left_neighbour(boxes, box)) is None:
            continue
        if mark:
            # Only a superscript: smaller than the word and up at its top ("TM" may be a real word).
            if box.height > 0.75 * host.height or (box.top + box.bottom) / 2 > host.top + 0.6 * host.height:
                continue
            host.text, box.text = host.text + mark, ""
        else:
            host.text, box.text = host.text + text[0], text[1:].strip()
    return [box for box in boxes if box.text]


def _reading_order(boxes: list[_Box]) -> list[_Box]:
    """Rows top to bottom, each left to right. The engine sorts by top edge, so a word
    with a raised superscript can come before the word printed left of it."""
    rows: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        centre = (box.top + box.bottom) / 2
        if rows and rows[-1][0].top <= centre <= rows[-1][0].bottom:
            rows[-1].append(box)
        else:
            rows.append([box])
    return [box for row in rows for box in sorted(row, key=lambda b: b.left)]


def _build_engine() -> Any:
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "warning"})


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        _engine = _build_engine()
    return _engine


def read_text(img: Image.Image, max_side: int = 1280) -> list[TextLine]:
    """Read text lines (top to bottom) with recognition score >= 0.5 and their printed height.

    The photo is shrunk first: full-size phone photos cost seconds per image and
    labels stay legible at 1280 px.
    """
    small = downscale(img, max_side)
    if small.mode != "RGB":
        small = small.convert("RGB")
    with _lock:
        result = _get_engine()(small)
    texts = getattr(result, "txts", None) or ()
    scores = getattr(result, "scores", None) or ()
    corners = getattr(result, "boxes", None)
    corners = list(corners) if corners is not None else []
    if len(corners) != len(texts):
        corners = [None] * len(texts)
    boxes = []
    for text, score, corner in zip(texts, scores, corners):
        text = " ".join(str(text).split())
        if text and float(score) >= MIN_SCORE:
            boxes.append(_box(text, float(score), corner) or _Box(text, float(score), 0, 0, 0, 0, 0))
    longer_side = max(small.size)
    lines = [
        TextLine(text=box.text, score=round(box.score, 4), height=round(box.height / longer_side, 4))
        for box in _reading_order(_attach_marks(boxes))
    ]
    return lines
