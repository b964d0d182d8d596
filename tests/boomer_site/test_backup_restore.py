"""The restore drill: products with photos and listings are backed up, restored into a fresh
database on the same server, and compared row by row and file by file; a lost media file is
reported, then put back from a copy. Also: a pg_dump that fails ends the command with one line,
and the beat job prunes old backups."""
from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from boomer_site.backup import backup_prune, connection_params
from boomer_site.backup_tasks import backup_daily_task
from listings.models import Listing
from products.models import Product, ProductImage
from products.services import product_create_from_photos
from tests.factories import listing_make, user_make
from tests.photos import make_product_photo

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _url(dbname: str) -> str:
    """postgres://… of another database on the server the tests use (the embedded one's socket, or DATABASE_URL's)."""
    params = connection_params()
    auth = quote(params.get("user", ""), safe="") + (":" + quote(params["password"], safe="") if params.get("password") else "")
    host = params.get("host", "")
    if host.startswith("/"):
        return f"postgres://{auth}@/{dbname}?host={quote(host)}"
    return f"postgres://{auth}@{host}{':' + params['port'] if params.get('port') else ''}/{dbname}"


@pytest.fixture
def drill_db():
    """A fresh, empty database on the same server, dropped at the end."""
    name = f"boomer_restore_drill_{secrets.token_hex(4)}"
    admin = {**connection_params(), "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _catalogue(conn) -> dict:
    """What the drill compares: products by sku, their images, listings by sku/platform/title."""
    product, image, listing = Product._meta.db_table, ProductImage._meta.db_table, Listing._meta.db_table
    return {
        "products": conn.execute(f"SELECT sku, stage FROM {product} ORDER BY sku").fetchall(),
        "images": conn.execute(f"SELECT p.sku, i.position, i.sha256, i.image FROM {image} i JOIN {product} p ON p.id = i.product_id "
                               "ORDER BY p.sku, i.position").fetchall(),
        "listings": conn.execute(f"SELECT p.sku, l.platform, l.title, l.price, l.screenshot FROM {listing} l "
                                 f"JOIN {product} p ON p.id = l.product_id ORDER BY p.sku, l.platform").fetchall(),
    }


def test_restore_drill(tmp_path, media_root, drill_db):
    seller = user_make("drill-seller")
    products = []
    for n, count in enumerate((2, 1), start=1):
        photos = [(f"item{n}-{i}.jpg", make_product_photo(None, label=f"Drill item {n}.{i}", ean13=None, size=(640, 480),
                                                          seed=100 * n + i)) for i in range(count)]
        products.append(product_create_from_photos(owner=seller, photos=photos, start_pipeline=False).product)
    listing_make(product=products[0], platform="ebay")
    failed = listing_make(product=products[1], platform="mercari", status="FAILED")
    failed.screenshot.save("drill-failure.png", ContentFile(_png()))
    with psycopg.connect(**connection_params()) as conn:
        before = _catalogue(conn)
    assert len(before["products"]) == 2 and len(before["images"]) == 3 and len(before["listings"]) == 2

    # backup: one timestamped folder with the dump, the manifest and the meta; a progress line per phase
    out, err = _run("backup", "--to", str(tmp_path / "backups"), "--keep-days", "30")
    folder = Path(out.strip().splitlines()[-1])
    assert folder.parent == tmp_path / "backups" and folder.name.startswith("boomer-")
    assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "media-manifest.json", "meta.json"]
    assert [line.split(":")[0] for line in err.splitlines()] == ["backup"] * 5, err
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["database"] == connection.settings_dict["NAME"]
    assert any(m.startswith("products.") for m in meta["migrations"]) and any(m.startswith("listings.") for m in meta["migrations"])
    assert meta["dump"]["size"] == (folder / "database.dump").stat().st_size
    manifest = json.loads((folder / "media-manifest.json").read_text())["files"]
    images = {image.image.name: image.sha256 for image in ProductImage.objects.all()}
    assert {e["name"]: e["sha256"] for e in manifest if e["field"] == "products.ProductImage.image"} == images
    failed.refresh_from_db()
    assert [e["name"] for e in manifest if e["field"] == "listings.Listing.screenshot"] == [failed.screenshot.name]
    assert all(e["size"] == (media_root / e["name"]).stat().st_size for e in manifest)

    # restore into the fresh database: the same rows, every file as backed up
    url = _url(drill_db)
    out, err = _run("restore", str(folder), "--database-url", url)
    assert f"into database {drill_db}" in out
    assert "media: 4 as backed up, 0 put back, 0 missing, 0 differ" in out, out
    assert len(err.strip().splitlines()) == 4, err
    with psycopg.connect(url) as conn:
        assert _catalogue(conn) == before
        assert conn.execute("SELECT count(*) FROM auth_user WHERE username = 'drill-seller'").fetchone()[0] == 1
    assert "products.Product" in out and "listings.Listing" in out

    # a database with tables is refused unless --force
    with pytest.raises(CommandError, match=f"database {drill_db} is not empty"):
        _run("restore", str(folder), "--database-url", url)

    # a lost photo is reported missing, then put back from a copy of the media
    lost = sorted(images)[0]
    copy = tmp_path / "media-copy" / lost
    copy.parent.mkdir(parents=True)
    copy.write_bytes(default_storage.open(lost).read())
    default_storage.delete(lost)
    out, _ = _run("restore", str(tmp_path / "backups"), "--database-url", url, "--force")
    assert "3 as backed up, 0 put back, 1 missing, 0 differ" in out and f"MISSING {lost}" in out, out
    out, _ = _run("restore", str(folder), "--media-only", "--media-from", str(tmp_path / "media-copy"))
    assert "the database was left alone" in out and f"PUT BACK {lost}" in out and "1 put back, 0 missing" in out, out
    assert (media_root / lost).read_bytes() == copy.read_bytes()
    with psycopg.connect(url) as conn:
        assert _catalogue(conn) == before


def test_pg_dump_failure_is_one_line_and_leaves_nothing(tmp_path, test_env):
    """pg_dump cannot lock a table (a migration holds it): non-zero exit, one line, no folder left."""
    with psycopg.connect(**connection_params()) as holder:
        holder.execute(f"LOCK TABLE {Product._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.run(
            [sys.executable, "manage.py", "backup", "--to", str(tmp_path / "backups"), "--lock-wait-timeout", "1"],
            cwd=ROOT, env={**os.environ, **test_env}, capture_output=True, text=True, timeout=300,
        )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("CommandError: pg_dump failed (exit 1): a table stayed locked longer than the lock wait timeout: "
                                "pg_dump: error: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert list((tmp_path / "backups").iterdir()) == []


def test_beat_job_backs_up_and_prunes(tmp_path, settings, media_root):
    root = tmp_path / "backups"
    settings.BOOMER_BACKUP_DIR = str(root)
    settings.BOOMER_BACKUP_KEEP_DAYS = 30
    old = root / "boomer-20000101T020000Z"
    old.mkdir(parents=True)
    (old / "meta.json").write_text("{}")
    (root / "not-a-backup").mkdir()

    result = backup_daily_task.apply().get()

    assert result["pruned"] == ["boomer-20000101T020000Z"] and Path(result["location"]).is_dir()
    assert sorted(p.name for p in root.iterdir()) == sorted([Path(result["location"]).name, "not-a-backup"])
    # the newest finished backup is kept however old it is
    only = tmp_path / "only" / "boomer-20000101T020000Z"
    only.mkdir(parents=True)
    (only / "meta.json").write_text("{}")
    assert backup_prune(to=tmp_path / "only", keep_days=1) == [] and only.is_dir()
    settings.BOOMER_BACKUP_DIR = ""
    assert backup_daily_task.apply().get() is None


def test_missing_pg_dump_binary_is_one_line(tmp_path, settings):
    settings.PG_DUMP = str(tmp_path / "no-such-pg_dump")
    with pytest.raises(CommandError, match=r"^pg_dump could not be run \(.*no-such-pg_dump: No such file or directory\); set PG_DUMP"):
        _run("backup", "--to", str(tmp_path / "backups"))
    assert list((tmp_path / "backups").iterdir()) == []


@pytest.fixture
def s3(settings):
    """A local server speaking the S3 API (moto's), a bucket on it, and the AWS_* settings pointed there."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    settings.AWS_S3_ENDPOINT_URL = f"http://{host}:{port}"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = "boomer-test", "boomer-test-secret"
    import boto3

    client = boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name="us-east-1",
                          aws_access_key_id="boomer-test", aws_secret_access_key="boomer-test-secret")
    client.create_bucket(Bucket="boomer-backups")
    yield client
    server.stop()


def test_backup_to_s3_and_restore_from_it(media_root, drill_db, s3):
    seller = user_make("s3-seller")
    photo = make_product_photo(None, label="S3 drill item", ean13=None, size=(640, 480), seed=7)
    product_create_from_photos(owner=seller, photos=[("s3.jpg", photo)], start_pipeline=False)
    with psycopg.connect(**connection_params()) as conn:
        before = _catalogue(conn)

    out, _ = _run("backup", "--to", "s3://boomer-backups/daily")
    location = out.strip().splitlines()[-1]
    assert location.startswith("s3://boomer-backups/daily/boomer-")
    keys = {item["Key"].rsplit("/", 1)[-1] for item in s3.list_objects_v2(Bucket="boomer-backups")["Contents"]}
    assert keys == {"database.dump", "media-manifest.json", "meta.json"}

    url = _url(drill_db)
    out, _ = _run("restore", "s3://boomer-backups/daily", "--database-url", url)  # the newest backup there
    assert f"into database {drill_db}" in out and "media: 1 as backed up" in out, out
    with psycopg.connect(url) as conn:
        assert _catalogue(conn) == before
