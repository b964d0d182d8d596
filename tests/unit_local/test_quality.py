from PIL import Image

from agents.local.imaging import open_image
from agents.local.quality import assess_quality


def test_sharp_label_photo_has_no_issues(sharp_photo_bytes):
    quality = assess_quality(open_image(sharp_photo_bytes))
    assert quality.issues == ()
    assert (quality.width, quality.height) == (1600, 1200)
    assert quality.sharpness > 500
    assert 60 < quality.brightness < 230


def test_blurred_photo_is_flagged(blurred_photo_bytes, sharp_photo_bytes):
    blurred = assess_quality(open_image(blurred_photo_bytes))
    assert "blurry" in blurred.issues
    assert blurred.sharpness < assess_quality(open_image(sharp_photo_bytes)).sharpness / 10


def test_dark_overexposed_and_small_photos():
    dark = assess_quality(Image.new("RGB", (1000, 800), (10, 10, 10)))
    assert "too dark" in dark.issues
    bright = assess_quality(Image.new("RGB", (1000, 800), (255, 255, 255)))
    assert "overexposed" in bright.issues
    small = assess_quality(Image.new("RGB", (640, 400), (120, 120, 120)))
    assert "low resolution" in small.issues
