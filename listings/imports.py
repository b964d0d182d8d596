"""Past sales from a CSV become SOLD products and listings: the comps market research uses.

Each row is checked, then saved in its own transaction, so a bad row is reported by its line
number and never undoes a good one. Importing the same file again creates nothing new.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone

from boomer_site.models import AnalyticsEvent
from listings.models import Listing, ListingStatus, Platform, SaleSource
from marketplaces.platforms import MARKETPLACES
from products.backfill import embeddings_fill
from products.models import Grade, Product, ProductCondition, Stage
from products.services import product_sku_new

REQUIRED = ("platform", "title", "sold_price", "sold_at")
OPTIONAL = ("currency", "brand", "model", "barcode", "category", "condition", "external_id", "listing_url")
LINE = "__line__"  # key carrying a row's line number in the file (header = line 1)
MAX_LENGTH = {"brand": 100, "model": 100, "barcode": 64, "category": 200, "external_id": 100, "listing_url": 200}
MAX_PRICE = Decimal("99999999.99")
EMBED_BATCH = 100
CONDITION_WORDS = {"brand new": Grade.NEW, "new with tags": Grade.NEW, "open box": Grade.LIKE_NEW,
                   "excellent": Grade.LIKE_NEW, "very good": Grade.GOOD, "used": Grade.GOOD,
                   "acceptable": Grade.FAIR, "for parts": Grade.POOR}


class SalesFileError(ValueError):
    """The file cannot be imported at all (no header, required columns missing)."""


@dataclass
class ImportReport:
    created: int = 0
    skipped_duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)

    @property
    def rows(self) -> int:
        return self.created + self.skipped_duplicates + len(self.errors)


@dataclass
class Sale:
    platform: str
    title: str
    sold_price: Decimal
    sold_at: datetime
    currency: str
    brand: str
    model: str
    barcode: str
    category: str
    grade: str
    external_id: str
    listing_url: str


# --- reading the file ---------------------------------------------------------------------------
def sales_csv_read(*, stream: TextIO) -> Iterator[dict]:
    """Rows of a sales CSV as dicts keyed by lower-cased column, each with its line number under LINE.

    The header is read at once: SalesFileError if it is missing or lacks a required column.
    Blank lines are skipped; a quoted value spanning lines is reported at its first line.
    """
    reader = csv.reader(stream)
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        raise SalesFileError("the file is empty: it needs a header row naming the columns")
    columns = [cell.strip().lower().lstrip("\ufeff") for cell in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise SalesFileError(f"the header lacks required column(s): {', '.join(missing)} "
                             f"(it must name {', '.join(REQUIRED)})")
    return _records(reader, columns)


def _records(reader, columns: list[str]) -> Iterator[dict]:
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        if not any(cell.strip() for cell in cells):
            continue
        record = {LINE: line}
        for index, name in enumerate(columns):
            if name and index < len(cells) and name not in record:
                record[name] = cells[index]
        extra = [cell for cell in cells[len(columns):] if cell.strip()]
        if extra:
            record["__extra__"] = len(cells)
        yield record


# --- checking one row ------------------------------------------------------------------------------
def _price(raw: str) -> Decimal:
    value = raw.strip().lstrip("$€£").strip()
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", value):
        value = value.replace(",", "")
    try:
        price = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"sold_price {raw.strip()!r} is not a number") from None
    if not price.is_finite() or price <= 0:
        raise ValueError(f"sold_price {raw.strip()!r} must be more than 0")
    if price > MAX_PRICE:
        raise ValueError(f"sold_price {raw.strip()!r} is too large")
    return price.quantize(Decimal("0.01"))


def _when(raw: str) -> datetime:
    value = raw.strip()
    try:
        moment = datetime.fromisoformat(value)  # a date alone is midnight
    except ValueError:
        raise ValueError(f"sold_at {value!r} is not an ISO date (2024-05-31) or date-time") from None
    if timezone.is_naive(moment):  # where BOOMER runs (TIME_ZONE)
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + timedelta(days=1):
        raise ValueError(f"sold_at {value!r} is in the future")
    return moment


def _grade(raw: str) -> str:
    words = re.sub(r"[\s_\-]+", " ", raw.strip().lower())
    if not words:
        return ""
    by_code = words.replace(" ", "_").upper()
    if by_code in Grade.values:
        return by_code
    if words in CONDITION_WORDS:
        return CONDITION_WORDS[words]
    raise ValueError(f"condition {raw.strip()!r} is unknown (use new, like new, good, fair or poor)")


def _platform(raw: str) -> str:
    value = raw.strip().lower()
    labels = {label.lower(): code for code, label in Platform.choices}
    code = labels.get(value, value)
    if code not in MARKETPLACES:
        raise ValueError(f"platform {raw.strip()!r} is unknown (use {', '.join(MARKETPLACES)})")
    return code


def sale_parse(record: dict) -> Sale:
    """One CSV record checked and converted; ValueError naming every problem in it."""
    def value(name):
        return (record.get(name) or "").strip()

    problems = []
    if record.get("__extra__"):
        problems.append(f"{record['__extra__']} values but the header names fewer columns")
    for name in REQUIRED:
        if not value(name):
            problems.append(f"missing {name}")
    parsed: dict = {}
    for name, parse in (("platform", _platform), ("sold_price", _price), ("sold_at", _when), ("condition", _grade)):
        if value(name):
            try:
                parsed[name] = parse(record[name])
            except ValueError as exc:
                problems.append(str(exc))
    currency = value("currency").upper() or settings.BOOMER_CURRENCY
    if not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(f"currency {value('currency')!r} is not a 3-letter code")
    for name, limit in MAX_LENGTH.items():
        if len(value(name)) > limit:
            problems.append(f"{name} is longer than {limit} characters")
    if value("listing_url"):
        try:
            URLValidator(schemes=["http", "https"])(value("listing_url"))
        except ValidationError:
            problems.append(f"listing_url {value('listing_url')!r} is not an http(s) URL")
    if problems:
        raise ValueError("; ".join(problems))
    return Sale(platform=parsed["platform"], title=value("title")[:255], sold_price=parsed["sold_price"],
                sold_at=parsed["sold_at"], currency=currency, brand=value("brand"), model=value("model"),
                barcode=value("barcode"), category=value("category"), grade=parsed.get("condition", ""),
                external_id=value("external_id"), listing_url=value("listing_url"))


# --- saving -----------------------------------------------------------------------------------------
def _duplicate_key(sale: Sale) -> str:
    if sale.external_id:
        return f"sale:{sale.platform}:{sale.external_id}"
    return f"sale:{sale.platform}:{sale.title}:{sale.sold_price}:{sale.sold_at.isoformat()}"


def _already_imported(sale: Sale) -> bool:
    if sale.external_id:
        return Listing.objects.filter(platform=sale.platform, external_id=sale.external_id).exists()
    return Listing.objects.filter(platform=sale.platform, title=sale.title, sold_price=sale.sold_price,
                                  sold_at=sale.sold_at, status=ListingStatus.SOLD).exists()


def _sale_save(*, sale: Sale, owner, source_name: str, line: int) -> int | None:
    """Save one sale in its own transaction; the new product's id, or None for a duplicate."""
    with transaction.atomic():
        with connection.cursor() as cursor:  # two imports of one file at once: the second waits, then skips
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_duplicate_key(sale)])
        if _already_imported(sale):
            return None
        product = Product.objects.create(
            owner=owner, sku=product_sku_new(), name=sale.title, brand=sale.brand, model=sale.model,
            barcode=sale.barcode, category=sale.category, currency=sale.currency,
            source=f"import:{source_name}"[:500],
        )
        Product.objects.filter(pk=product.pk).update(stage=Stage.SOLD)  # the FSM field is protected
        if sale.grade:
            ProductCondition.objects.create(product=product, grade=sale.grade, confidence=1.0,
                                            reason=f"from the imported sale ({source_name}, line {line})")
        listing = Listing.objects.create(
            product=product, platform=sale.platform, title=sale.title, price=sale.sold_price,
            currency=sale.currency, listing_url=sale.listing_url, external_id=sale.external_id,
            sold_price=sale.sold_price, sold_at=sale.sold_at, sale_source=SaleSource.IMPORT,
        )
        Listing.objects.filter(pk=listing.pk).update(status=ListingStatus.SOLD)
        AnalyticsEvent.objects.create(
            event_type="product.imported", product=product, listing=listing,
            event_data={"source": source_name, "line": line, "platform": sale.platform,
                        "external_id": sale.external_id, "sold_price": str(sale.sold_price)},
        )
    return product.pk


def sales_import(*, rows: Iterable[dict], owner, source_name: str,
                 on_progress: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Import past sales: each good row → a SOLD product (+ condition) and a SOLD listing.

    Rows are dicts keyed by column (any case); a row's line number is read from LINE, else
    counted from 2. Duplicates (same platform + external_id, or without one the same platform,
    title, price and time) are skipped. New products are embedded every EMBED_BATCH rows so
    similarity search finds them. `on_progress(report)` follows every row.
    """
    report = ImportReport()
    to_embed: list[int] = []
    for index, row in enumerate(rows):
        record = {(k if k == LINE else str(k).strip().lower()): (v if k == LINE or v is None else str(v))
                  for k, v in row.items() if k is not None}
        line = record.get(LINE) or index + 2
        try:
            sale = sale_parse(record)
        except ValueError as exc:
            report.errors.append((line, str(exc)))
        else:
            product_id = _sale_save(sale=sale, owner=owner, source_name=source_name, line=line)
            if product_id is None:
                report.skipped_duplicates += 1
            else:
                report.created += 1
                to_embed.append(product_id)
        if len(to_embed) >= EMBED_BATCH:
            embeddings_fill(product_ids=to_embed)
            to_embed = []
        if on_progress is not None:
            on_progress(report)
    if to_embed:
        embeddings_fill(product_ids=to_embed)
    return report
