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


def test_lines_carry_their_printed_height():
    from .rendering import book_cover

    lines = {line.text: line.height for line in ocr.read_text(book_cover(["HARBOR"], "by Jane Mercer"))}
    assert set(lines) == {"HARBOR", "by Jane Mercer"}
    # Fractions of the photo's longer side: the 120 px title on a 1500 px cover, the 55 px author line.
    assert 0.06 < lines["HARBOR"] < 0.1
    assert 0.025 < lines["by Jane Mercer"] < 0.05
    big = {line.text: line.height for line in ocr.read_text(book_cover(["HARBOR"], "by Jane Mercer", size=(2000, 3000)))}
    assert abs(big["HARBOR"] - lines["HARBOR"]) < 0.01  # the same at any resolution
