"""`manage.py backfill_embeddings`: fills only missing embeddings, in batches, resumably, with a
bar on a terminal and one plain line per batch when piped."""
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from products.models import Product
from tests.conftest import ROOT
from tests.operations.factories import product_make

KNOWN = [1.0] + [0.0] * 383  # an embedding already there, which the backfill must leave alone


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _run(*args, stderr=None):
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("backfill_embeddings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _catalogue(owner):
    return [
        product_make(owner=owner, name="Nintendo Switch Pro Controller", brand="Nintendo", model="HAC-013"),
        product_make(owner=owner, brand="Sony", model="WH-1000XM4", category="Headphones"),
        product_make(owner=owner, notes="blue ceramic vase, chipped rim"),
        product_make(owner=owner, analysis={"text_read": ["LEGO", "75192", "Millennium Falcon"]}),
    ]


@pytest.mark.django_db
def test_fills_only_missing_embeddings_and_is_resumable(owner):
    products = _catalogue(owner)
    already = product_make(owner=owner, name="Already embedded", embedding=KNOWN)
    blank = product_make(owner=owner)  # nothing to embed it from

    out, err = _run("--limit", "2", "--batch-size", "1")
    assert "filled 2 embedding(s)" in out
    assert err.splitlines() == ["batch 1/2: 1 of 2 products", "batch 2/2: 2 of 2 products"]
    missing = set(Product.objects.filter(embedding__isnull=True).values_list("pk", flat=True))
    assert missing == {products[2].pk, products[3].pk, blank.pk}  # primary-key order, stopped at the limit

    out, err = _run("--batch-size", "2")
    assert "filled 2 embedding(s)" in out
    assert f"skipped 1 product(s) with no name, brand, model, category, notes or text to embed: {blank.sku}" in out
    assert err.splitlines() == ["batch 1/2: 2 of 3 products", "batch 2/2: 3 of 3 products"]
    assert list(Product.objects.filter(embedding__isnull=True)) == [blank]
    already.refresh_from_db()
    assert list(already.embedding) == KNOWN
    for product in products:
        product.refresh_from_db()
        assert len(product.embedding) == 384

    out, err = _run()
    assert "filled 0 embedding(s)" in out and blank.sku in out


@pytest.mark.django_db
def test_embeddings_make_products_findable_by_similarity(owner):
    from products.similarity import embed, product_embedding_text, products_similar

    falcon = product_make(owner=owner, analysis={"text_read": ["LEGO", "75192", "Millennium Falcon"]})
    product_make(owner=owner, brand="Sony", model="WH-1000XM4", category="Headphones")
    _run()
    probe = product_make(owner=owner, embedding=embed(product_embedding_text(
        name="", brand="", model="", category="", text_read=["LEGO", "75192", "Millennium Falcon"])))
    assert products_similar(product=probe, limit=1).first() == falcon


@pytest.mark.django_db
def test_shows_a_bar_on_a_terminal(owner):
    _catalogue(owner)
    out, err = _run("--batch-size", "3", stderr=_Terminal())
    assert "filled 4 embedding(s)" in out
    assert "4/4" in err and "batch 1/" not in err


@pytest.mark.django_db
def test_refuses_a_batch_size_below_one():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="must be at least 1"):
        _run("--batch-size", "0")


@pytest.mark.django_db(transaction=True)
def test_piped_run_prints_plain_progress_lines(owner):
    for index in range(3):
        product_make(owner=owner, name=f"Item {index}", brand="Acme")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "boomer_site.settings.test",
           "BOOMER_DATABASE_NAME": settings.DATABASES["default"]["NAME"]}
    done = subprocess.run([sys.executable, "manage.py", "backfill_embeddings", "--batch-size", "2"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "batch 1/2: 2 of 3 products" in lines and "batch 2/2: 3 of 3 products" in lines, done.stderr
    assert "\r" not in done.stderr  # no bar when piped
    assert "filled 3 embedding(s)" in done.stdout
    assert not Product.objects.filter(embedding__isnull=True).exists()
