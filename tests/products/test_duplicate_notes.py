"""The same photo dropped again with new notes: the notes are added to the product the photo
belongs to (marked as added later), and the duplicate's report says so."""
import json
import shutil

import pytest
from django.core.management import call_command

from products.inbox import inbox_process_ready
from products.models import Product
from tests.photos import make_product_photo

pytestmark = pytest.mark.django_db


def test_notes_sent_with_a_known_photo_are_added_to_its_product(tmp_path, owner):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_product_photo(inbox / "camera.jpg", label="CANON EOS 80D", ean13=None, size=(800, 600))
    (inbox / "camera.txt").write_text("body only")
    inbox_process_ready(root=inbox, owner=owner, debounce=0)
    product = Product.objects.get()
    assert product.notes == "body only"

    shutil.copy(inbox / ".done" / "camera.jpg", inbox / "camera-again.jpg")
    (inbox / "camera-again.txt").write_text("shutter count 12 000, comes with the charger")
    [(_, result)] = inbox_process_ready(root=inbox, owner=owner, debounce=0)

    assert result.duplicate_of == product and result.notes_added
    assert Product.objects.count() == 1
    product.refresh_from_db()
    first, heading, added = product.notes.split("\n\n")[0], *product.notes.split("\n\n")[1].split("\n")
    assert first == "body only"
    assert heading.startswith("Added later (") and heading.endswith(
        "sent again with the same photo, from camera-again.jpg):")
    assert added == "shutter count 12 000, comes with the charger"
    assert (inbox / ".done" / "camera-again.txt").is_file()

    shutil.copy(inbox / ".done" / "camera.jpg", inbox / "camera-3.jpg")  # no notes this time: nothing changes
    inbox_process_ready(root=inbox, owner=owner, debounce=0)
    assert Product.objects.get().notes == product.notes


def test_process_images_reports_the_notes_it_added_to_a_duplicate(tmp_path, owner, capsys):
    make_product_photo(tmp_path / "camera.jpg", label="CANON EOS 80D", ean13=None, size=(800, 600))
    call_command("process_images", str(tmp_path / "camera.jpg"), "--json", "--owner", "seller")
    product_id = json.loads(capsys.readouterr().out)["products"][0]["id"]
    shutil.copy(tmp_path / "camera.jpg", tmp_path / "again.jpg")
    (tmp_path / "again.txt").write_text("lens cap missing")

    call_command("process_images", str(tmp_path / "again.jpg"), "--json", "--owner", "seller")

    document = json.loads(capsys.readouterr().out)
    assert document["duplicates"] == [{"source": str(tmp_path / "again.jpg"), "product_id": product_id,
                                       "notes_added": True}]
    assert Product.objects.get().notes.endswith("\nlens cap missing")
