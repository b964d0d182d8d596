"""A seller's connection as the sagas use it: the adapter with the decrypted secrets, what an
adapter renewed merged into the secrets stored now, and the "needs attention" mark.

The mark is set when the platform refuses the seller's own connection (a revoked token, a bad
login, secrets no configured key opens), not when the platform is unwell; the caller that set it
tells the seller, once. A call that works again, or reconnecting, clears it.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplaces.adapters import AdapterError, MarketplaceAdapter, adapter_for
from marketplaces.credentials import CredentialsError, account_secrets, account_secrets_replace
from marketplaces.models import MarketplaceAccount
from marketplaces.platforms import platform_label


def account_attention_mark(*, account: MarketplaceAccount, reason: str) -> bool:
    """Mark the account as needing attention; True only for the call that marked it."""
    now = timezone.now()
    marked = MarketplaceAccount.objects.filter(pk=account.pk, attention_since__isnull=True).update(
        attention_since=now, attention_reason=reason[:2000])
    if not marked:  # already marked: keep its start, show the latest reason
        MarketplaceAccount.objects.filter(pk=account.pk).update(attention_reason=reason[:2000])
    account.refresh_from_db(fields=["attention_since", "attention_reason"])
    return bool(marked)


def account_attention_clear(*, account: MarketplaceAccount) -> None:
    if account.attention_since is None:
        return
    MarketplaceAccount.objects.filter(pk=account.pk).update(attention_since=None, attention_reason="")
    account.attention_since, account.attention_reason = None, ""


def account_adapter(account: MarketplaceAccount) -> MarketplaceAdapter:
    """The platform's adapter with the account's secrets. Secrets that cannot be decrypted are
    the account's problem (AdapterError with `account`): retryable while the key may still come
    (sealed with a key this process does not know yet, mid-rotation), permanent when tampered."""
    try:
        secrets = account_secrets(account)
    except CredentialsError as exc:
        raise AdapterError(f"the {platform_label(account.platform)} credentials cannot be read: {exc}",
                           permanent=exc.permanent, account=True) from None
    return adapter_for(account.platform, credentials=secrets,
                       on_credentials_change=lambda renewed: account_secrets_merge(
                           account=account, read=secrets, renewed=renewed))


@transaction.atomic
def account_secrets_merge(*, account: MarketplaceAccount, read: dict, renewed: dict) -> None:
    """Store what an adapter changed since it `read` the secrets (e.g. Mercari's new session),
    on top of what is stored NOW: the seller may have reconnected (a new password) or a key
    rotation re-sealed the row while the adapter ran, and its whole copy would be stale."""
    changes = {name: value for name, value in renewed.items() if read.get(name) != value}
    if not changes:
        return
    locked = MarketplaceAccount.objects.select_for_update().get(pk=account.pk)
    account_secrets_replace(account=locked, secrets={**account_secrets(locked), **changes})
