"""End to end: photos dropped into an inbox watched by the real watcher, worked by a real
Celery worker on the real PostgreSQL and Redis, reach PENDING with what the agents found."""
import io
import shutil
import signal

import pytest
from PIL import Image

from listings.models import ListingDraft
from products.models import Product, Stage
from tests.conftest import wait_for, watcher_start
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

SONY_EAN = "4548736112094"
LEGO_EAN = "5702016616378"


@pytest.fixture
def inbox(tmp_path, test_env, celery_worker):
    root = tmp_path / "inbox"
    root.mkdir()
    watcher = watcher_start(root, test_env)
    yield root
    watcher.send_signal(signal.SIGTERM)
    watcher.wait(15)


def _settled():
    stages = list(Product.objects.values_list("stage", flat=True))
    return stages and all(s in (Stage.PENDING, Stage.FAILED) for s in stages)


def test_dropped_photos_become_pending_products_and_bad_files_are_set_aside(inbox, owner):
    staging = inbox.parent / "staging"
    staging.mkdir()
    # One photo with the seller's notes beside it.
    make_product_photo(staging / "headphones.jpg", label="SONY WH-1000XM4 Wireless Noise Cancelling Headphones",
                       ean13=SONY_EAN)
    (staging / "headphones.txt").write_text("new, sealed")
    # A folder of three photos = one item.
    lego = staging / "lego-set"
    lego.mkdir()
    for i, label in enumerate(["LEGO Technic 42115 front", "LEGO Technic 42115 side", "LEGO Technic box back"]):
        make_product_photo(lego / f"{i}.jpg", label=label, ean13=LEGO_EAN if i == 0 else None, size=(1200, 900))
    (lego / "notes.txt").write_text("used, complete, light scratches on the box")
    # Bad files beside them.
    (staging / "empty.jpg").write_bytes(b"")
    (staging / "letter.jpg").write_text("Dear seller, this is not a photo.")
    good = make_product_photo(None, label="ACME toaster", ean13=None, size=(800, 600))
    (staging / "cut.jpg").write_bytes(good[: len(good) // 3])
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")
    (staging / "bomb.png").write_bytes(bomb.getvalue())
    (staging / "huge.jpg").write_bytes(b"\xff\xd8" + b"\0" * (26 * 1024 * 1024))

    for entry in staging.iterdir():
        shutil.move(str(entry), str(inbox / entry.name))

    wait_for(lambda: Product.objects.count() == 2 and _settled(), timeout=240, message="two products settled")

    headphones = Product.objects.get(source="headphones.jpg")
    assert headphones.stage == Stage.PENDING, headphones.failure_reason
    assert headphones.brand == "Sony"
    assert headphones.barcode == SONY_EAN
    assert headphones.condition.grade == "NEW"
    assert headphones.images.count() == 1
    drafts = {d.platform: d for d in ListingDraft.objects.filter(product=headphones)}
    assert set(drafts) == {"ebay", "facebook", "mercari"}
    assert len(drafts["ebay"].title) <= 80 and "Sony" in drafts["ebay"].title
    assert headphones.recommended_price is None
    assert headphones.price_reason == "no comparable sales yet"

    lego_product = Product.objects.get(source="lego-set")
    assert lego_product.stage == Stage.PENDING, lego_product.failure_reason
    assert lego_product.images.count() == 3
    assert lego_product.brand == "LEGO"
    assert lego_product.barcode == LEGO_EAN
    assert lego_product.condition.grade != "NEW"
    assert any(d["type"].startswith("scratch") for d in lego_product.condition.defects)

    failed = inbox / ".failed"
    reasons = {p.name[: -len(".error.txt")]: p.read_text() for p in failed.glob("*.error.txt")}
    assert "empty file" in reasons["empty.jpg"]
    assert "not an image" in reasons["letter.jpg"]
    assert "truncated" in reasons["cut.jpg"]
    assert "decompression bomb" in reasons["bomb.png"]
    assert "too large" in reasons["huge.jpg"]
    for name in reasons:
        assert (failed / name).exists(), f"{name} was not kept in .failed/"
    done = inbox / ".done"
    assert (done / "headphones.jpg").exists() and (done / "headphones.txt").exists()
    assert sorted(p.name for p in (done / "lego-set").glob("*.jpg")) == ["0.jpg", "1.jpg", "2.jpg"]
    assert not [p for p in inbox.iterdir() if not p.name.startswith(".")], "something was left unhandled"

    # The same photo again (under another name) makes no second product.
    shutil.copy(done / "headphones.jpg", inbox / "headphones-again.jpg")
    wait_for(lambda: (done / "headphones-again.jpg").exists(), timeout=30, message="duplicate handled")
    assert Product.objects.count() == 2


def test_files_already_waiting_are_picked_up_when_the_watcher_starts(tmp_path, test_env, celery_worker, owner):
    root = tmp_path / "inbox"
    root.mkdir()
    make_product_photo(root / "waiting.jpg", label="NINTENDO Switch Pro Controller", ean13=None, size=(1000, 750))
    watcher = watcher_start(root, test_env)
    try:
        wait_for(lambda: Product.objects.filter(source="waiting.jpg").exists(), timeout=60, message="pickup")
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(15)
    wait_for(_settled, timeout=120, message="pending")
    assert Product.objects.get().stage == Stage.PENDING
