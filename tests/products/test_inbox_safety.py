"""The inbox and `process_images` read only what was dropped: no link is followed (photo, notes
or folder), a file's size is known before it is read, a folder is read up to the photo limit
and no further. Everything not taken is reported with the reason."""
import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command

from products.inbox import inbox_process_ready
from products.models import Product
from tests.photos import make_product_photo

pytestmark = pytest.mark.django_db


@contextmanager
def _bytes_read():
    """How many bytes this process read (read(2) calls, /proc/self/io's rchar) inside the block."""
    def rchar():
        return int(Path("/proc/self/io").read_text().split("rchar:")[1].split()[0])

    counter = {"before": rchar()}
    yield counter
    counter["read"] = rchar() - counter["before"]


def _photo(path: Path, seed: int) -> Path:
    make_product_photo(path, label=f"ACME widget {seed}", ean13=None, size=(640, 480), seed=seed)
    return path


@pytest.fixture
def outside(tmp_path):
    """Files elsewhere on the machine that a link in the inbox could point at."""
    folder = tmp_path / "elsewhere"
    (folder / "album").mkdir(parents=True)
    _photo(folder / "private.jpg", 1)
    _photo(folder / "album" / "a.jpg", 2)
    (folder / "secret.txt").write_text("DB_PASSWORD=hunter2")
    return folder


def _reasons(failed: Path) -> dict[str, str]:
    return {str(p.relative_to(failed))[: -len(".error.txt")]: p.read_text() for p in failed.rglob("*.error.txt")}


def test_links_in_the_inbox_are_not_followed_and_are_reported(tmp_path, outside, owner):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "linked.jpg").symlink_to(outside / "private.jpg")
    (inbox / "linked-folder").symlink_to(outside / "album")
    _photo(inbox / "lamp.jpg", 3)
    (inbox / "lamp.txt").symlink_to(outside / "secret.txt")
    folder = inbox / "set"
    folder.mkdir()
    _photo(folder / "1.jpg", 4)
    (folder / "2.jpg").symlink_to(outside / "private.jpg")
    (folder / "more").symlink_to(outside / "album")

    inbox_process_ready(root=inbox, owner=owner, debounce=0)

    assert sorted(Product.objects.values_list("source", flat=True)) == ["lamp.jpg", "set"]
    lamp = Product.objects.get(source="lamp.jpg")
    assert "hunter2" not in lamp.notes and lamp.images.count() == 1
    assert Product.objects.get(source="set").images.count() == 1
    reasons = _reasons(inbox / ".failed")
    assert set(reasons) == {"linked.jpg", "linked-folder", "lamp.txt", "set/2.jpg", "set/more"}
    assert all("link" in why for why in reasons.values()), reasons
    # The links were set aside, what they point at is untouched.
    assert (inbox / ".failed" / "linked.jpg").is_symlink() and (outside / "private.jpg").is_file()
    assert sorted(p.name for p in (outside / "album").iterdir()) == ["a.jpg"]


def test_process_images_refuses_links_like_the_inbox(tmp_path, outside, owner, capsys):
    _photo(tmp_path / "lamp.jpg", 5)
    (tmp_path / "lamp.txt").symlink_to(outside / "secret.txt")
    (tmp_path / "linked.jpg").symlink_to(outside / "private.jpg")
    folder = tmp_path / "set"
    folder.mkdir()
    _photo(folder / "1.jpg", 6)
    (folder / "more").symlink_to(outside / "album")

    call_command("process_images", str(tmp_path / "lamp.jpg"), str(tmp_path / "linked.jpg"), str(folder),
                 "--json", "--owner", "seller")

    document = json.loads(capsys.readouterr().out)
    rejected = {r["source"]: r["reason"] for r in document["rejected"]}
    assert set(rejected) == {str(tmp_path / "lamp.txt"), str(tmp_path / "linked.jpg"), str(folder / "more")}
    assert all("link" in why for why in rejected.values()), rejected
    assert [p["photos"] for p in document["products"]] == [1, 1]
    assert "hunter2" not in Product.objects.get(source=str(tmp_path / "lamp.jpg")).notes


def test_an_oversize_file_is_refused_before_it_is_read(tmp_path, owner, settings, capsys):
    settings.BOOMER_MAX_UPLOAD_BYTES = 1_000_000
    huge = tmp_path / "huge.jpg"
    with open(huge, "wb") as handle:
        handle.truncate(40_000_000)  # sparse: 40 MB by its size, nothing on the disk
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.link(huge, inbox / "huge.jpg")

    with _bytes_read() as io:
        call_command("process_images", str(huge), "--json", "--owner", "seller")
        inbox_process_ready(root=inbox, owner=owner, debounce=0)

    assert io["read"] < 5_000_000, f"{io['read']:,} bytes read for a file refused by its size"
    [rejected] = json.loads(capsys.readouterr().out)["rejected"]
    assert rejected == {"source": str(huge), "reason": "too large: 40.0 MB, the limit is 1 MB"}
    assert _reasons(inbox / ".failed") == {"huge.jpg": "too large: 40.0 MB, the limit is 1 MB\n"}
    assert not Product.objects.exists()


def test_a_folder_is_read_up_to_the_photo_limit(tmp_path, owner, settings, capsys):
    settings.BOOMER_MAX_PHOTOS_PER_ITEM = 2
    inbox = tmp_path / "inbox"
    folder = inbox / "set"
    folder.mkdir(parents=True)
    for n in range(2):
        _photo(folder / f"{n}.jpg", 10 + n)
    for n in range(2, 6):
        with open(folder / f"{n}.jpg", "wb") as handle:
            handle.truncate(5_000_000)  # 4 × 5 MB past the limit: never read

    with _bytes_read() as io:
        call_command("process_images", str(folder), "--json", "--owner", "seller")
    document = json.loads(capsys.readouterr().out)
    assert io["read"] < 5_000_000, f"{io['read']:,} bytes read: the photos past the limit were read"
    assert [p["photos"] for p in document["products"]] == [2]
    assert {r["source"]: r["reason"] for r in document["rejected"]} == {
        str(folder / f"{n}.jpg"): "not read: too many photos for one item (limit 2)" for n in range(2, 6)}

    Product.objects.all().delete()
    with _bytes_read() as io:
        inbox_process_ready(root=inbox, owner=owner, debounce=0)
    assert io["read"] < 5_000_000, f"{io['read']:,} bytes read: the photos past the limit were read"
    assert Product.objects.get().images.count() == 2
    assert _reasons(inbox / ".failed") == {
        f"set/{n}.jpg": "not read: too many photos for one item (limit 2)\n" for n in range(2, 6)}
