import io

import pytest
from PIL import Image

from agents.local.imaging import downscale, open_image


def _encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_open_jpeg_returns_loaded_rgb(sharp_photo_bytes):
    img = open_image(sharp_photo_bytes)
    assert img.mode == "RGB"
    assert img.size == (1600, 1200)


def test_transparent_png_is_flattened_on_white():
    rgba = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    img = open_image(_encode(rgba, "PNG"))
    assert img.mode == "RGB"
    assert img.getpixel((5, 5)) == (255, 255, 255)


def test_exif_orientation_is_applied():
    landscape = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when displayed
    img = open_image(_encode(landscape, "JPEG", exif=exif.tobytes()))
    assert img.size == (20, 40)


def test_heic_photo_opens(sharp_photo_bytes):
    import pillow_heif  # a pinned requirement: phone photos are HEIC

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(sharp_photo_bytes))).save(buffer, quality=80)
    img = open_image(buffer.getvalue())
    assert (img.mode, img.size) == ("RGB", (1600, 1200))


@pytest.mark.parametrize("junk", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 20])
def test_junk_raises_value_error_with_message(junk):
    with pytest.raises(ValueError) as info:
        open_image(junk)
    assert str(info.value)


def test_downscale_keeps_aspect_and_returns_same_when_small():
    img = Image.new("RGB", (1600, 1200))
    small = downscale(img, 800)
    assert small.size == (800, 600)
    assert downscale(small, 800) is small
    tall = downscale(Image.new("RGB", (1000, 3000)), 1500)
    assert tall.size == (500, 1500)
