"""Mercari has no public listing API: Playwright drives Chromium through the seller's own
pages (sell form, my listings, item page, edit page).

Session: credentials["storage_state"] (Playwright storage state: cookies + local storage)
is restored first; if the site sends us to its login form we sign in with
credentials["email"]/["password"] and hand the new storage state to
`on_credentials_change`, so the next run skips the login.

Idempotency: a real site gives us nowhere to store our own key, so the description ends
with a visible reference line, "Ref: <first 8 hex of the idempotency key>". Before listing,
we open "my listings", look at the items whose title is exactly ours, and read their
descriptions for that line; a match is the listing a previous attempt already created.

Failures: a full-page screenshot is saved to storage under mercari-failures/ (with the
default filesystem storage: MEDIA_ROOT/mercari-failures/) and its name is put in
AdapterError.details["screenshot"] so the caller can attach it to the listing.

All selectors live in SELECTORS: when the site changes its markup, that is the one place
to update. Settings: MERCARI_URL (https://www.mercari.com), MERCARI_TIMEOUT_MS (30000),
BOOMER_CHROMIUM_PATH (/usr/bin/chromium).
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlparse

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .base import (
    AdapterError,
    ListingData,
    ListingState,
    MarketplaceAdapter,
    Media,
    PublishResult,
)

log = logging.getLogger(__name__)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CONDITIONS = {"NEW": "New", "LIKE_NEW": "Like new", "GOOD": "Good", "FAIR": "Fair", "POOR": "Poor"}
MAX_TITLE, MAX_DESCRIPTION = 80, 1000
SELECTORS = {
    "login_email": 'input[name="email"]',
    "login_password": 'input[name="password"]',
    "login_submit": 'form[action^="/login"] button[type="submit"]',
    "form_error": '[role="alert"]',
    "sell_photos": 'input[type="file"][name="photos"]',
    "sell_title": 'input[name="title"]',
    "sell_description": 'textarea[name="description"]',
    "sell_condition": 'select[name="condition"]',
    "sell_category": 'select[name="category"]',
    "sell_price": 'input[name="price"]',
    "sell_submit": 'form[action="/sell"] button[type="submit"]',
    "my_listing_links": 'li.listing a[href*="/item/"]',
    "my_listing_rows": "li.listing[data-item-id]",
    "my_listing_status": ".status",
    "my_listing_price": ".price",
    "item_id": "[data-item-id]",
    "item_status": '[data-testid="item-status"]',
    "item_price": ".item-price",
    "item_description": ".item-description",
    "edit_link": 'a[href*="/sell/edit/"]',
    "delete_button": 'button:has-text("Delete listing")',
}
ITEM_ID = re.compile(r"/item/(m\d+)")


def marker(data: ListingData) -> str:
    return f"Ref: {data.idempotency_key.replace('-', '')[:8]}"


def posted_title(data: ListingData) -> str:
    return data.title.strip()[:MAX_TITLE]


def posted_description(data: ListingData) -> str:
    ref = marker(data)
    body = (data.description or data.title).strip()[:MAX_DESCRIPTION - len(ref) - 2].rstrip()
    return f"{body}\n\n{ref}"


class MercariAdapter(MarketplaceAdapter):
    platform = "mercari"
    service = "Mercari"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.base_url = str(settings.MERCARI_URL).rstrip("/")
        self.timeout_ms = int(settings.MERCARI_TIMEOUT_MS)
        self.chromium = str(settings.BOOMER_CHROMIUM_PATH)
        self._signed_in_now = False

    # --- the interface ---------------------------------------------------------------------
    def publish(self, data: ListingData, media: list[Media]) -> PublishResult:
        condition = CONDITIONS.get(data.grade)
        if not condition:
            raise AdapterError("Mercari needs a condition: grade the item before publishing", permanent=True)
        if not data.category_path:
            raise AdapterError("Mercari needs a category: choose one on the item's draft", permanent=True)
        price = data.price.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        if price < 1:
            raise AdapterError("Mercari needs a price of at least $1", permanent=True)
        files = [{"name": m.filename, "mimeType": m.content_type, "buffer": m.data()} for m in media[:12]]
        if not files:
            raise AdapterError("Mercari needs at least one photo", permanent=True)
        return self._run("publish", data, lambda page: self._publish(page, data, files, condition, price))

    def withdraw(self, data: ListingData) -> None:
        self._run("withdraw", data, lambda page: self._withdraw(page, data))

    def fetch_status(self, data: ListingData) -> ListingState:
        return self._run("status", data, lambda page: self._status(page, data))

    def fetch_statuses(self, datas: list[ListingData]) -> dict[str, ListingState]:
        """One cycle for the account in one browser: "my listings", read once, gives the status
        of every item on it; only an item not there (deleted, or a listing without its id) is
        looked up on its own page."""
        if not datas:
            return {}
        return self._run("status", datas[0], lambda page: self._statuses(page, datas))

    # --- browser ---------------------------------------------------------------------------
    def _run(self, action: str, data: ListingData, work):
        """Run `work(page)` in a fresh browser. Database and storage work happens after the
        browser is gone: Playwright's sync API keeps an event loop the ORM refuses to run in."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        result = error = screenshot = new_state = None
        self._signed_in_now = False
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=self.chromium, headless=True, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(storage_state=self._storage_state(), viewport={"width": 1280, "height": 900})
                    context.set_default_timeout(self.timeout_ms)
                    context.set_default_navigation_timeout(self.timeout_ms)
                    page = context.new_page()
                    page.on("dialog", lambda dialog: dialog.accept())
                    try:
                        result = work(page)
                    except SoftTimeLimitExceeded:
                        raise  # the task's time is up: no screenshot in what is left, the task handles it
                    except Exception as exc:  # noqa: BLE001 - every failure gets a screenshot
                        error = self._as_adapter_error(exc)
                        try:
                            screenshot = page.screenshot(full_page=True)
                        except PlaywrightError:
                            screenshot = None
                    if self._signed_in_now:
                        new_state = context.storage_state()
                finally:
                    browser.close()
        except PlaywrightError as exc:
            error = AdapterError(f"Mercari: the browser failed ({str(exc).splitlines()[0]})", permanent=False)
        if new_state is not None and self.on_credentials_change:
            self.credentials["storage_state"] = new_state
            self.on_credentials_change(dict(self.credentials))
        if error is not None:
            if screenshot:
                name = self._save_screenshot(screenshot, data, action)
                error.details["screenshot"] = name
                error.message = f"{error.message} (screenshot: {name})"
                error.args = (error.message,)
            raise error
        return result

    def _storage_state(self):
        state = self.credentials.get("storage_state")
        if isinstance(state, str) and state.strip():
            state = json.loads(state)
        return state or None

    def _as_adapter_error(self, exc: Exception) -> AdapterError:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        if isinstance(exc, AdapterError):
            return exc
        if isinstance(exc, PlaywrightTimeout):
            return AdapterError("Mercari did not answer in time", permanent=False)
        if isinstance(exc, PlaywrightError):
            return AdapterError(f"Mercari could not be reached ({str(exc).splitlines()[0]})", permanent=False)
        return AdapterError(f"Mercari automation failed: {type(exc).__name__}: {exc}", permanent=False)

    def _save_screenshot(self, png: bytes, data: ListingData, action: str) -> str:
        name = f"mercari-failures/{date.today().isoformat()}/{data.sku}-{action}-{time.time_ns()}.png"
        return default_storage.save(name, ContentFile(png))

    @staticmethod
    def _check(response) -> None:
        if response is None:
            return
        if response.status == 429:
            from .transport import parse_retry_after

            raise AdapterError("Mercari answered 429 (too many requests)", permanent=False, status=429,
                               retry_after=parse_retry_after(response.headers.get("retry-after")))
        if response.status >= 500:
            raise AdapterError(f"Mercari answered {response.status}", permanent=False, status=response.status)

    def _goto(self, page, path: str):
        response = page.goto(self.base_url + path, wait_until="domcontentloaded")
        self._check(response)
        if urlparse(page.url).path.startswith("/login"):
            self._login(page)
            response = page.goto(self.base_url + path, wait_until="domcontentloaded")
            self._check(response)
        return response

    def _submit(self, page, selector: str):
        with page.expect_navigation(wait_until="domcontentloaded") as navigation:
            page.click(selector)
        self._check(navigation.value)
        return navigation.value

    def _login(self, page) -> None:
        email, password = self.credentials.get("email"), self.credentials.get("password")
        if not email or not password:
            raise AdapterError("Mercari's session expired and no login is stored: reconnect the account", permanent=True,
                               account=True)
        page.fill(SELECTORS["login_email"], email)
        page.fill(SELECTORS["login_password"], password)
        self._submit(page, SELECTORS["login_submit"])
        if urlparse(page.url).path.startswith("/login"):
            alert = page.locator(SELECTORS["form_error"])
            reason = alert.first.inner_text().strip() if alert.count() else "still on the login page"
            raise AdapterError(f"Mercari refused the stored login ({reason}): reconnect the account", permanent=True,
                               account=True)
        self._signed_in_now = True

    # --- steps -----------------------------------------------------------------------------
    def _find_own(self, page, data: ListingData) -> str | None:
        """The id of an item we already listed for this idempotency key, if any."""
        self._goto(page, "/mypage/listings")
        title, ref = posted_title(data), marker(data)
        links = page.locator(SELECTORS["my_listing_links"])
        candidates = []
        for i in range(links.count()):
            link = links.nth(i)
            if link.inner_text().strip() == title:
                match = ITEM_ID.search(link.get_attribute("href") or "")
                if match:
                    candidates.append(match.group(1))
        for item_id in candidates:
            response = self._goto(page, f"/item/{item_id}")
            if response is not None and response.status == 404:
                continue
            description = page.locator(SELECTORS["item_description"]).first.inner_text()
            if description.strip().splitlines()[-1:] == [ref]:
                return item_id
        return None

    def _result(self, item_id: str, **raw) -> PublishResult:
        return PublishResult(external_id=item_id, listing_url=f"{self.base_url}/item/{item_id}",
                             raw={"item_id": item_id, **raw})

    def _publish(self, page, data: ListingData, files: list[dict], condition: str, price: Decimal) -> PublishResult:
        existing = self._find_own(page, data)
        if existing:
            return self._result(existing, reused=True)
        self._goto(page, "/sell")
        page.set_input_files(SELECTORS["sell_photos"], files=files)
        page.fill(SELECTORS["sell_title"], posted_title(data))
        page.fill(SELECTORS["sell_description"], posted_description(data))
        page.select_option(SELECTORS["sell_category"], label=data.category_path)  # "Department > Category"
        page.select_option(SELECTORS["sell_condition"], label=condition)
        page.fill(SELECTORS["sell_price"], str(int(price)))
        self._submit(page, SELECTORS["sell_submit"])
        match = ITEM_ID.search(urlparse(page.url).path)
        if not match:
            alerts = page.locator(SELECTORS["form_error"]).all_inner_texts()
            if alerts:
                raise AdapterError("Mercari refused the listing: " + " ".join(a.strip() for a in alerts), permanent=True)
            raise AdapterError(f"Mercari did not show the new item (at {urlparse(page.url).path})", permanent=False)
        return self._result(match.group(1), reused=False)

    @staticmethod
    def _known_item_id(data: ListingData) -> str | None:
        match = ITEM_ID.search(data.external_id or "") or ITEM_ID.search("/item/" + (data.external_id or ""))
        return match.group(1) if match else None

    def _item_id(self, page, data: ListingData) -> str | None:
        return self._known_item_id(data) or self._find_own(page, data)

    def _statuses(self, page, datas: list[ListingData]) -> dict[str, ListingState]:
        self._goto(page, "/mypage/listings")
        rows = {}
        for row in page.locator(SELECTORS["my_listing_rows"]).all():
            status = row.locator(SELECTORS["my_listing_status"])
            price = row.locator(SELECTORS["my_listing_price"])
            rows[row.get_attribute("data-item-id")] = (status.first.inner_text().strip() if status.count() else "",
                                                       price.first.inner_text() if price.count() else "")
        states = {}
        for data in datas:
            item_id = self._known_item_id(data)
            if item_id in rows:
                status, price = rows[item_id]
                states[data.idempotency_key] = listing_state(status, price, raw={"item_id": item_id, "status": status,
                                                                                 "page": "my listings"})
            else:
                states[data.idempotency_key] = self._status(page, data)
        return states

    def _withdraw(self, page, data: ListingData) -> None:
        item_id = self._item_id(page, data)
        if not item_id:
            return
        response = self._goto(page, f"/item/{item_id}")
        if response is not None and response.status == 404:
            return  # already gone
        if page.locator(SELECTORS["item_status"]).first.inner_text().strip().lower() in ("sold", "inactive"):
            return  # nothing on sale to take down
        page.click(SELECTORS["edit_link"])
        page.wait_for_load_state("domcontentloaded")
        self._submit(page, SELECTORS["delete_button"])  # the confirm() dialog is accepted
        response = self._goto(page, f"/item/{item_id}")
        if response is None or response.status != 404:
            raise AdapterError("Mercari still shows the item after deleting it", permanent=False)

    def _status(self, page, data: ListingData) -> ListingState:
        item_id = self._item_id(page, data)
        if not item_id:
            return ListingState("UNKNOWN", raw={"reason": "Mercari lists no item of ours with this reference"})
        response = self._goto(page, f"/item/{item_id}")
        if response is not None and response.status == 404:
            return ListingState("ENDED", raw={"item_id": item_id})
        status = page.locator(SELECTORS["item_status"]).first.inner_text().strip()
        price = page.locator(SELECTORS["item_price"]).first.inner_text  # read only if sold
        return listing_state(status, price, raw={"item_id": item_id, "status": status})


def listing_state(status: str, price: str | Callable[[], str], *, raw: dict) -> ListingState:
    """The state a status text shows, on "my listings" or the item's page. `price` (the text, or
    what reads it) is looked at only for a sold item. A text we do not know (a new label, a hold,
    a page change) is UNKNOWN, never a lifecycle move on a guess."""
    text = status.strip().lower()
    if text == "sold":
        digits = re.sub(r"[^\d.]", "", price() if callable(price) else price)
        return ListingState("SOLD", sold_price=Decimal(digits) if digits else None, raw=raw)
    if text == "on sale":
        return ListingState("LIVE", raw=raw)
    if text == "inactive":  # the seller took it off sale on Mercari
        return ListingState("ENDED", raw=raw)
    return ListingState("UNKNOWN", raw={**raw, "reason": f"Mercari shows the status {status!r}"})
