import socket

from agents.local import ocr
from agents.local.imaging import open_image


def test_reads_brand_and_model_from_label(sharp_photo_bytes):
    lines = ocr.read_text(open_image(sharp_photo_bytes))
    text = " ".join(line.text for line in lines).upper()
    assert "SONY" in text
    assert "WH-1000XM4" in text
    assert "HEADPHONES" in text
    assert all(line.score >= 0.5 for line in lines)


def test_blank_image_gives_no_lines():
    from PIL import Image

    assert ocr.read_text(Image.new("RGB", (800, 600), "white")) == []


def test_engine_builds_without_network(monkeypatch):
    """The default RapidOCR config must resolve to the models inside the wheel."""
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(requests, "get", no_network)
    engine = ocr._build_engine()
    assert engine is not None
