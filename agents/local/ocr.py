"""Printed-text recognition with RapidOCR, using only the models shipped in its wheel.

RapidOCR 3.x's default config (PP-OCRv6 det/rec "small", PP-OCRv4 cls) resolves
to the ONNX files bundled in ``rapidocr/models``; its downloader sees they exist
with the right SHA-256 and skips the network, so no extra config is needed.
"""

from __future__ import annotations

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


def _build_engine() -> Any:
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "warning"})


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        _engine = _build_engine()
    return _engine


def read_text(img: Image.Image, max_side: int = 1280) -> list[TextLine]:
    """Read text lines (top to bottom) with recognition score >= 0.5.

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
    lines = []
    for text, score in zip(texts, scores):
        text = " ".join(str(text).split())
        if text and float(score) >= MIN_SCORE:
            lines.append(TextLine(text=text, score=round(float(score), 4)))
    return lines
