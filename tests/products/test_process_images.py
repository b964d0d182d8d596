"""`manage.py process_images --wait --json`: starts its own worker when none answers, prints
exactly one JSON document, and exits non-zero with a message when the system cannot run."""
import json
import os
import subprocess
import sys

import pytest

from products.models import Product
from tests.conftest import ROOT
from tests.photos import make_product_photo

pytestmark = [pytest.mark.django_db(transaction=True)]


def _run(args, env, timeout=300):
    return subprocess.run([sys.executable, "manage.py", "process_images", *args], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=timeout)


def test_process_images_waits_and_prints_one_json_document(tmp_path, test_env, owner):
    from boomer_site.celery import app

    assert not app.control.ping(timeout=0.5), "this test needs no worker running"
    photo = tmp_path / "switch.jpg"
    make_product_photo(photo, label="NINTENDO Switch Pro Controller HAC-013", ean13="0045496430528")
    (tmp_path / "switch.txt").write_text("like new, no scratches")
    (tmp_path / "broken.jpg").write_bytes(b"nope")
    copy = tmp_path / "switch-copy.jpg"
    copy.write_bytes(photo.read_bytes())

    done = _run([str(photo), str(tmp_path / "broken.jpg"), str(copy), "--wait", "--json", "--owner", "seller"],
                test_env)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # the whole of stdout is one JSON document
    assert set(document) == {"products", "rejected", "duplicates"}
    [item] = document["products"]
    assert item["stage"] == "PENDING", item["error"]
    assert item["source"] == str(photo)
    assert item["photos"] == 1
    assert item["identity"]["brand"] == "Nintendo"
    assert item["identity"]["barcode"] == "045496430528"  # UPC-A, 12 digits
    assert item["condition"] == {"grade": "LIKE_NEW", "defects": [], "reason": item["condition"]["reason"]}
    assert item["price"]["recommended"] is None and item["price"]["reason"] == "no comparable sales yet"
    assert set(item["drafts"]) == {"ebay", "facebook", "mercari"}
    for platform, limit in (("ebay", 80), ("mercari", 80), ("facebook", 100)):
        assert 0 < len(item["drafts"][platform]["title"]) <= limit
    assert "like new" in item["drafts"]["ebay"]["description"].lower()
    assert document["rejected"] == [{"source": str(tmp_path / "broken.jpg"),
                                     "reason": document["rejected"][0]["reason"]}]
    assert "not an image" in document["rejected"][0]["reason"]
    assert document["duplicates"] == [{"source": str(copy), "product_id": item["id"], "notes_added": False}]
    assert Product.objects.count() == 1
    assert not app.control.ping(timeout=0.5), "the worker it started is still running"


def test_process_images_fails_clearly_when_the_database_is_unreachable(tmp_path):
    photo = tmp_path / "x.jpg"
    make_product_photo(photo, label="ACME", ean13=None, size=(400, 300))
    env = {"DJANGO_SETTINGS_MODULE": "boomer_site.settings.test",
           "DATABASE_URL": "postgres://nobody:secret@127.0.0.1:9/none"}
    done = _run([str(photo), "--json"], env, timeout=60)
    assert done.returncode != 0
    assert "database" in done.stderr.lower()
    assert "secret" not in done.stderr
    assert done.stdout == ""
