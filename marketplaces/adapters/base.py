"""The one interface every marketplace adapter implements, and the values it trades in.

Adapters never touch the database or Celery: they take a Listing (read once into a plain
`ListingData`), talk to the platform, and either return a value or raise `AdapterError`.
The publish saga decides what to do with the error (`permanent` → give up, else retry,
honouring `retry_after`).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal


class AdapterError(Exception):
    """Anything a platform call can fail with. `permanent` decides whether a retry can help.

    429 → retryable with `retry_after` (seconds, from Retry-After); 5xx, timeouts and
    connection errors → retryable; 4xx validation → permanent; 401 → the adapter refreshes
    its token once, then retryable. `details` carries extras for the caller (e.g. the
    storage name of a failure screenshot under "screenshot"). `account` says the seller's
    own connection is at fault (credentials refused, revoked or missing), not the platform:
    401/403 say so too (marketplaces/breakers.py counts those per account, not per platform).
    """

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None,
                 status: int | None = None, details: dict | None = None, account: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status
        self.details = details or {}
        self.account = account or status in (401, 403)

    def __repr__(self):
        return f"AdapterError({self.message!r}, permanent={self.permanent}, retry_after={self.retry_after})"


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    listing_url: str
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ListingState:
    status: Literal["LIVE", "SOLD", "ENDED", "UNKNOWN"]
    sold_price: Decimal | None = None
    sold_at: datetime | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class Media:
    """One photo: a public URL (eBay, Facebook fetch it themselves) and a lazy bytes loader
    (Mercari uploads the file through the browser)."""

    url: str
    load: Callable[[], bytes]
    filename: str = "photo.jpg"
    content_type: str = "image/jpeg"
    _data: bytes | None = field(default=None, repr=False)

    def data(self) -> bytes:
        if self._data is None:
            self._data = self.load()
        return self._data

    @classmethod
    def from_bytes(cls, data: bytes, *, url: str = "", filename: str = "photo.jpg",
                   content_type: str = "image/jpeg") -> Media:
        return cls(url=url, load=lambda: data, filename=filename, content_type=content_type, _data=data)


@dataclass(frozen=True)
class ListingData:
    """What adapters need from a listing, read once by the caller (listings/publishing.py:
    `listing_data`), so no adapter queries the database (Playwright's sync API runs an event
    loop, inside which the ORM refuses to work) and this app never imports a listing."""

    sku: str
    title: str
    description: str
    price: Decimal | None  # None only in exports of a listing that has none yet
    currency: str
    grade: str  # products.Grade value or ""
    brand: str
    category: str
    idempotency_key: str
    external_id: str = ""
    listing_url: str = ""
    created_at: datetime | None = None
    # The platform's own fields (Listing.platform_fields): eBay's leaf category, item specifics
    # ({name: [values]}), ConditionEnum, condition description, identifiers (upc/ean/isbn, brand,
    # mpn) and package (weight_oz, length_in, width_in, height_in). Empty: the adapter's fallbacks.
    category_id: str = ""
    category_path: str = ""
    aspects: dict[str, list[str]] = field(default_factory=dict)
    condition: str = ""
    condition_description: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)
    package: dict = field(default_factory=dict)
    owner_id: int | None = None  # whose listing: the file export keeps each seller's rows apart


class MarketplaceAdapter(ABC):
    """publish is idempotent (a second call never makes a second live copy); withdraw is
    idempotent (already gone = success); fetch_status never changes anything."""

    platform: str = ""

    def __init__(self, *, credentials: dict, platform: str | None = None,
                 on_credentials_change: Callable[[dict], None] | None = None):
        self.credentials = dict(credentials or {})
        if platform:
            self.platform = platform
        self.on_credentials_change = on_credentials_change

    def __repr__(self):  # never the credentials
        return f"<{type(self).__name__} platform={self.platform}>"

    @abstractmethod
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult: ...

    @abstractmethod
    def withdraw(self, data: ListingData) -> None: ...

    @abstractmethod
    def fetch_status(self, data: ListingData) -> ListingState: ...

    def fetch_statuses(self, datas: list[ListingData]) -> dict[str, ListingState]:
        """The state of each of one account's listings, by idempotency key: one status cycle.
        Adapters override it to read the platform once for all (eBay's orders, Mercari's "my
        listings"); by default each listing is asked about in turn."""
        return {data.idempotency_key: self.fetch_status(data) for data in datas}

    def _credential(self, name: str) -> str:
        value = self.credentials.get(name)
        if not value:
            raise AdapterError(f"{self.platform} credentials lack {name!r}: reconnect the account", permanent=True,
                               account=True)
        return value
