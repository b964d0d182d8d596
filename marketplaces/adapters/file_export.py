"""CSV export per platform and seller, for sellers who list by hand.

publish appends one row to storage `exports/{platform}/{owner id}/{YYYY-MM-DD}-{random}.csv`
(one row per idempotency key across the seller's files), withdraw marks the row WITHDRAWN,
and fetch_status reads the row back: the seller may type SOLD (and a sold price/date)
into its status column, otherwise it stays LIVE. Each seller's rows are in their own files,
whose names cannot be guessed; the listing's URL is the site's `/media/` view, which opens
them for that seller (and reviewers) only (desk/media_views.py). Cells that a spreadsheet
would run as a formula are written with a leading quote. Writes go through Django storage
under a Redis lock, so workers on several machines (S3 storage) never lose each other's rows.
Rows in the shared `exports/{platform}/{date}.csv` files of earlier versions are still found.
"""
from __future__ import annotations

import csv
import io
import secrets
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.encoding import filepath_to_uri

from boomer_site.breakers import redis_client
from boomer_site.spreadsheets import formula_escaped

from .base import (
    AdapterError,
    ListingData,
    ListingState,
    MarketplaceAdapter,
    Media,
    PublishResult,
)

COLUMNS = ["reference", "created_at", "sku", "title", "description", "price", "currency", "condition",
           "photo_urls", "status", "sold_price", "sold_at"]
LOCK_SECONDS = 30


class FileExportAdapter(MarketplaceAdapter):
    platform = "file"

    def __init__(self, *, storage=None, **kwargs):
        super().__init__(**kwargs)
        self.storage = storage or default_storage
        self.folder = f"exports/{self.platform}"

    # --- storage ---------------------------------------------------------------------------
    def _lock(self):
        return redis_client().lock(f"boomer:export-lock:{self.platform}", timeout=LOCK_SECONDS,
                                   blocking_timeout=LOCK_SECONDS)

    def _owner_folder(self, data: ListingData) -> str:
        if data.owner_id is None:
            raise AdapterError("The export needs the listing's seller (ListingData.owner_id)", permanent=True)
        return f"{self.folder}/{int(data.owner_id)}"

    def _csv_in(self, folder: str) -> list[str]:
        try:
            _dirs, files = self.storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted((f"{folder}/{f}" for f in files if f.endswith(".csv")), reverse=True)

    def _names(self, data: ListingData) -> list[str]:
        """The seller's files, newest first, then the shared files of earlier versions."""
        return self._csv_in(self._owner_folder(data)) + self._csv_in(self.folder)

    def _today(self, data: ListingData) -> str:
        """The seller's file of today: the one there is, or a new name nobody can guess."""
        folder, day = self._owner_folder(data), date.today().isoformat()
        existing = [name for name in self._csv_in(folder) if name.rsplit("/", 1)[-1].startswith(f"{day}-")]
        return existing[0] if existing else f"{folder}/{day}-{secrets.token_hex(12)}.csv"

    def _read(self, name: str) -> list[dict]:
        with self.storage.open(name, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def _write(self, name: str, rows: list[dict]) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: formula_escaped(value) for key, value in row.items()} for row in rows)
        if self.storage.exists(name):
            self.storage.delete(name)
        saved = self.storage.save(name, ContentFile(out.getvalue().encode("utf-8-sig")))
        if saved != name:
            raise AdapterError(f"Could not write {name} (storage saved {saved})", permanent=False)

    def _find(self, data: ListingData) -> tuple[str, list[dict], dict] | None:
        reference = data.idempotency_key
        for name in self._names(data):
            rows = self._read(name)
            for row in rows:
                if row.get("reference") == reference:
                    return name, rows, row
        return None

    def _url(self, name: str, reference: str) -> str:
        """The site's owner-checked `/media/` view of the file (never a public storage URL)."""
        media = settings.MEDIA_URL.strip("/")
        return f"{settings.BOOMER_PUBLIC_BASE_URL.rstrip('/')}/{media}/{filepath_to_uri(name)}#ref-{reference[:8]}"

    # --- the interface ---------------------------------------------------------------------
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult:
        with self._lock():
            found = self._find(data)
            if found:
                name, _rows, row = found
            else:
                name = self._today(data)
                rows = self._read(name) if self.storage.exists(name) else []
                row = {
                    "reference": data.idempotency_key, "created_at": datetime.now().isoformat(timespec="seconds"),
                    "sku": data.sku, "title": data.title, "description": data.description,
                    "price": f"{data.price:.2f}", "currency": data.currency, "condition": data.grade,
                    "photo_urls": " ".join(m.url for m in media if m.url), "status": "LIVE",
                    "sold_price": "", "sold_at": "",
                }
                self._write(name, rows + [row])
        return PublishResult(external_id=f"{name}#{data.idempotency_key}",
                             listing_url=self._url(name, data.idempotency_key), raw={"file": name, "row": row})

    def withdraw(self, data: ListingData) -> None:
        with self._lock():
            found = self._find(data)
            if not found:
                return
            name, rows, row = found
            if row.get("status") == "WITHDRAWN":
                return
            row["status"] = "WITHDRAWN"
            self._write(name, rows)

    def fetch_status(self, data: ListingData) -> ListingState:
        found = self._find(data)
        if not found:
            return ListingState("UNKNOWN")
        row = found[2]
        status = (row.get("status") or "LIVE").strip().upper()
        if status == "SOLD":
            return ListingState("SOLD", sold_price=_decimal(row.get("sold_price")),
                                sold_at=_datetime(row.get("sold_at")), raw=row)
        if status in ("WITHDRAWN", "ENDED"):
            return ListingState("ENDED", raw=row)
        return ListingState("LIVE", raw=row)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.strip().lstrip("$")) if value and value.strip() else None
    except InvalidOperation:
        return None


def _datetime(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None
