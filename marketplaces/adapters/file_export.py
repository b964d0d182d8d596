"""CSV export per platform, for sellers who list by hand.

publish appends one row to storage `exports/{platform}/{YYYY-MM-DD}.csv` (one row per
idempotency key across every file of the platform), withdraw marks the row WITHDRAWN,
and fetch_status reads the row back: the seller may type SOLD (and a sold price/date)
into its status column, otherwise it stays LIVE. Writes go through Django storage under a
Redis lock, so workers on several machines (S3 storage) never lose each other's rows.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from boomer_site.breakers import redis_client

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

    def _names(self) -> list[str]:
        try:
            _dirs, files = self.storage.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted((f"{self.folder}/{f}" for f in files if f.endswith(".csv")), reverse=True)

    def _read(self, name: str) -> list[dict]:
        with self.storage.open(name, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def _write(self, name: str, rows: list[dict]) -> None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        if self.storage.exists(name):
            self.storage.delete(name)
        saved = self.storage.save(name, ContentFile(out.getvalue().encode("utf-8-sig")))
        if saved != name:
            raise AdapterError(f"Could not write {name} (storage saved {saved})", permanent=False)

    def _find(self, reference: str) -> tuple[str, list[dict], dict] | None:
        for name in self._names():
            rows = self._read(name)
            for row in rows:
                if row.get("reference") == reference:
                    return name, rows, row
        return None

    def _url(self, name: str, reference: str) -> str:
        prefix = settings.BOOMER_PUBLIC_MEDIA_URL
        url = self.storage.url(name)
        if not url.startswith(("http://", "https://")):
            if isinstance(prefix, str) and prefix.startswith(("http://", "https://")):
                url = prefix.rstrip("/") + "/" + url.lstrip("/")
            else:
                try:
                    url = "file://" + self.storage.path(name)
                except NotImplementedError:
                    pass
        return f"{url}#ref-{reference[:8]}"

    # --- the interface ---------------------------------------------------------------------
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult:
        with self._lock():
            found = self._find(data.idempotency_key)
            if found:
                name, _rows, row = found
            else:
                name = f"{self.folder}/{date.today().isoformat()}.csv"
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
            found = self._find(data.idempotency_key)
            if not found:
                return
            name, rows, row = found
            if row.get("status") == "WITHDRAWN":
                return
            row["status"] = "WITHDRAWN"
            self._write(name, rows)

    def fetch_status(self, data: ListingData) -> ListingState:
        found = self._find(data.idempotency_key)
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
