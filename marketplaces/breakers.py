"""The marketplaces' circuit breakers, and whose fault an error is.

Outage-class errors (connection, 5xx, timeouts, 429: retryable AdapterErrors) count per
platform, on one breaker per platform shared by every seller (boomer_site/breakers.py, state in
Redis). Account-class errors are one seller's: the connection refused (401/403, a revoked token,
a bad login, secrets that cannot be read: `AdapterError.account`) or their listing refused (a
form or other permanent 4xx). They never count on the platform's breaker; they count per account
and mark the account as needing attention — at once when the connection itself is refused,
after BOOMER_BREAKER_FAIL_MAX refusals in a row otherwise. A call that works clears both.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from boomer_site.breakers import CircuitOpen, breaker_call, breaker_reset, breaker_state, redis_client  # noqa: F401
from marketplaces.accounts import account_adapter, account_attention_clear, account_attention_mark
from marketplaces.adapters.base import AdapterError
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import platform_label

REFUSALS_KEPT_SECONDS = 7 * 24 * 3600


class CircuitOpenError(AdapterError):
    """Raised instead of calling a platform whose breaker is open; retry after `retry_after`."""


def error_class(exc: BaseException) -> str:
    """"outage" (counts per platform), "account" (counts per account) or "" (neither: a bug of ours,
    or a refusal that names the item's own fields — a missing item specific says nothing about
    the seller's account, however many items lack it)."""
    if not isinstance(exc, AdapterError):
        return ""
    if exc.account:
        return "account"
    if exc.details.get("problems"):
        return ""
    return "account" if exc.permanent else "outage"


def call_with_breaker(platform: str, fn: Callable, *args, account: MarketplaceAccount | None = None,
                      **kwargs) -> Any:
    """`fn(*args, **kwargs)` guarded by the platform's breaker; raises CircuitOpenError
    (retryable, retry_after = seconds until half-open) while the breaker is open. With the
    seller's `account`, account-class errors are counted for it; when one marks the account as
    needing attention, the error says so (`details["account_attention"] == "new"`) so the caller
    tells the seller, once."""
    try:
        result = breaker_call(platform, fn, *args, **kwargs)
    except CircuitOpen as exc:
        raise CircuitOpenError(f"{platform_label(platform)} is unavailable (circuit open): retrying later",
                               permanent=False, retry_after=exc.retry_after) from None
    except AdapterError as exc:
        if account is not None and error_class(exc) == "account":
            _account_refused(account, exc)
        raise
    if account is not None:
        _account_worked(account)
    return result


def account_call(account: MarketplaceAccount, action: str, *args) -> Any:
    """The account's adapter's `action(*args)` (publish, withdraw, fetch_status) behind the
    platform's breaker; reading its secrets is part of the call, so a failure there is the account's."""
    return call_with_breaker(account.platform, lambda: getattr(account_adapter(account), action)(*args),
                             account=account)


def _refusals_key(account: MarketplaceAccount) -> str:
    return f"boomer:account-refusals:{account.pk}"


def _account_refused(account: MarketplaceAccount, exc: AdapterError) -> None:
    client = redis_client()
    key = _refusals_key(account)
    count = client.incr(key)
    client.expire(key, REFUSALS_KEPT_SECONDS)
    if exc.account:
        reason = exc.message
    elif count >= int(settings.BOOMER_BREAKER_FAIL_MAX):
        reason = f"{platform_label(account.platform)} refused {count} requests in a row; the last: {exc.message}"
    else:
        return
    if account_attention_mark(account=account, reason=reason):
        exc.details["account_attention"] = "new"


def _account_worked(account: MarketplaceAccount) -> None:
    redis_client().delete(_refusals_key(account))
    account_attention_clear(account=account)
