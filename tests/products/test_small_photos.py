"""A photo too small to show an item is refused with the reason (set aside in the inbox, a 400
on the API); one under eBay's 500-pixel minimum is taken, with a warning the desk shows."""
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from products.inbox import inbox_process_ready
from products.models import Product
from tests.factories import user_make
from tests.photos import make_product_photo

pytestmark = pytest.mark.django_db

EBAY_WARNING = "lamp.jpg is 400x300 pixels: eBay asks for at least 500 on the longest side"


def _dot() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_one_pixel_png_is_set_aside_with_the_reason(tmp_path, owner, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "dot.png").write_bytes(_dot())
    (tmp_path / "dot.png").write_bytes(_dot())

    inbox_process_ready(root=inbox, owner=owner, debounce=0)
    call_command("process_images", str(tmp_path / "dot.png"), "--json", "--owner", "seller")

    assert not Product.objects.exists()
    reason = "too small to show an item: 1x1 pixels, a photo needs at least 100 on each side"
    assert (inbox / ".failed" / "dot.png").is_file()
    assert (inbox / ".failed" / "dot.png.error.txt").read_text() == reason + "\n"
    assert json.loads(capsys.readouterr().out)["rejected"] == [{"source": str(tmp_path / "dot.png"), "reason": reason}]


def test_a_photo_under_ebays_minimum_is_taken_with_a_warning_on_the_desk(tmp_path, owner, client):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_product_photo(inbox / "lamp.jpg", label="IKEA lamp", ean13=None, size=(400, 300))
    make_product_photo(inbox / "chair.jpg", label="IKEA chair", ean13=None, size=(640, 480))

    inbox_process_ready(root=inbox, owner=owner, debounce=0)

    lamp, chair = Product.objects.get(source="lamp.jpg"), Product.objects.get(source="chair.jpg")
    assert lamp.photo_warnings() == [EBAY_WARNING]
    assert chair.photo_warnings() == []
    reviewer = user_make("desk-admin", role="reviewer", staff=True)
    reviewer.is_superuser = True
    reviewer.save()
    client.force_login(reviewer)
    page = client.get(reverse("admin:products_product_change", args=[lamp.pk])).content.decode()
    assert EBAY_WARNING in page
    page = client.get(reverse("admin:products_product_change", args=[chair.pk])).content.decode()
    assert "asks for at least" not in page
