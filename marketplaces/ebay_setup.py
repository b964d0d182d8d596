"""Connecting a seller's eBay account and keeping it ready to publish: the tokens stored
encrypted, who the seller is on eBay, their business policies chosen (one of a kind is chosen
by itself), and their inventory location created once. The consent view, the admin and
`connect_marketplace` all end here; the HTTP is in `ebay_account.py`.

The seller's address is read from their profile through the user (`owner.seller_profile`, kept
by the notifications app) unless the caller passes one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from marketplaces import ebay_account, ebay_subscriptions
from marketplaces.adapters.base import AdapterError
from marketplaces.credentials import account_save, account_secrets
from marketplaces.ebay_account import LOCATION_KEY, POLICY_KINDS, SUBSCRIPTION_SCOPES, Address, Policy, SellerApi
from marketplaces.models import MarketplaceAccount

log = logging.getLogger(__name__)
PLATFORM = "ebay"


@dataclass
class SetupReport:
    """What a connect or a refresh found and did; `todo` is what the seller still has to do."""

    username: str = ""
    policies: dict[str, list[Policy]] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)
    location_key: str = ""
    location_created: bool = False
    subscribed: bool = False  # this call created the seller's ORDER_CONFIRMATION subscription
    todo: list[str] = field(default_factory=list)


def seller_address(owner) -> Address | None:
    try:
        profile = owner.seller_profile
    except ObjectDoesNotExist:
        return None
    if not profile.postal_code or not profile.country:
        return None
    return Address(postal_code=profile.postal_code, country=profile.country, address_line1=profile.address_line1,
                   city=profile.city, state_or_province=profile.state_or_province)


def _auto_choose(kind: str, found: list[Policy], current: str) -> str:
    if current and any(p.id == current for p in found):
        return current
    return found[0].id if len(found) == 1 else ""


def ebay_account_connect(*, owner, refresh_token: str, refresh_token_expires_at: datetime | None = None,
                         access_token: str = "", address: Address | None = None, label: str = "",
                         extra: dict | None = None) -> tuple[MarketplaceAccount, SetupReport]:
    """Store the seller's refresh token (encrypted) and set the account up: identity, policies,
    location. Values already stored (chosen policies, the location key) are kept."""
    existing = MarketplaceAccount.objects.filter(owner=owner, platform=PLATFORM).first()
    secrets = account_secrets(existing) if existing else {}
    for name in ("client_id", "client_secret"):  # a new token belongs to the keys it came with: the caller's
        secrets.pop(name, None)
    secrets.update(extra or {})
    secrets["refresh_token"] = refresh_token
    secrets.setdefault("marketplace_id", "EBAY_US")
    if refresh_token_expires_at:
        secrets["refresh_token_expires_at"] = refresh_token_expires_at.isoformat()
    api = SellerApi(credentials=secrets, access_token=access_token)
    user = ebay_account.seller_user(api)
    secrets.update(ebay_user_id=user["userId"], ebay_username=user["username"])
    report = SetupReport(username=user["username"])
    try:
        _setup(api, secrets, report, address or seller_address(owner))
    except AdapterError as exc:  # the token is good: keep it (a consent's code works once), say what failed
        report.todo.append(f"eBay's policies or location could not be set up ({exc.message}): refresh the "
                           "account from the admin later")
    with transaction.atomic():
        account = account_save(owner=owner, platform=PLATFORM, secrets=secrets, label=label)
        MarketplaceAccount.objects.filter(pk=account.pk).update(
            external_user_id=user["userId"], token_expires_at=refresh_token_expires_at or account.token_expires_at)
    account.refresh_from_db()
    return account, report


def _setup(api: SellerApi, secrets: dict, report: SetupReport, address: Address | None) -> None:
    marketplace = secrets.get("marketplace_id", "EBAY_US")
    report.policies = ebay_account.seller_policies(api, marketplace_id=marketplace)
    for kind in POLICY_KINDS:
        found = report.policies[kind]
        chosen = _auto_choose(kind, found, secrets.get(f"{kind}_policy_id", ""))
        if chosen:
            secrets[f"{kind}_policy_id"] = report.chosen[kind] = chosen
        elif not found:
            report.todo.append(f"create a {kind} policy on eBay for {marketplace}, then refresh the account")
        else:
            report.todo.append(f"choose the {kind} policy in the admin ({len(found)} on eBay)")
    fulfillment = next((p for p in report.policies["fulfillment"] if p.id == report.chosen.get("fulfillment")), None)
    secrets["calculated_shipping"] = bool(fulfillment and fulfillment.calculated_shipping)

    key = secrets.get("merchant_location_key") or LOCATION_KEY
    try:
        report.location_created = ebay_account.location_ensure(api, key=key, address=address)
        secrets["merchant_location_key"] = report.location_key = key
    except ebay_account.AddressMissing:
        report.todo.append("add the seller's postal code and country (seller profile, or --set postal_code=… "
                           "--set country=…) for eBay's inventory location")
    _subscribe(secrets, report)


def _subscribe(secrets: dict, report: SetupReport) -> None:
    """eBay sends a seller's order notifications only to an app subscribed with that seller's
    token; without it sales still arrive, by polling (all there is while the operator has not
    set EBAY_NOTIFICATION_ENDPOINT: nothing for the seller to do then)."""
    if not settings.EBAY_NOTIFICATION_ENDPOINT:
        return
    try:
        report.subscribed = ebay_subscriptions.order_subscription_ensure(
            SellerApi(credentials=secrets, scopes=SUBSCRIPTION_SCOPES))
    except AdapterError as exc:
        log.warning("eBay order notifications not subscribed: %s", exc.message)
        report.todo.append(f"eBay's order notifications could not be subscribed ({exc.message}); sales arrive "
                           "by polling until the account is refreshed")


def ebay_account_refresh(*, account: MarketplaceAccount, address: Address | None = None) -> SetupReport:
    """Read the policies again and make sure the location exists (the admin's refresh)."""
    secrets = account_secrets(account)
    report = SetupReport(username=secrets.get("ebay_username", ""))
    _setup(SellerApi(credentials=secrets), secrets, report, address or seller_address(account.owner))
    account_save(owner=account.owner, platform=PLATFORM, secrets=secrets, label=account.label)
    return report


def ebay_policies_read(*, account: MarketplaceAccount) -> dict[str, list[Policy]]:
    secrets = account_secrets(account)
    return ebay_account.seller_policies(SellerApi(credentials=secrets),
                                        marketplace_id=secrets.get("marketplace_id", "EBAY_US"))


def ebay_policies_choose(*, account: MarketplaceAccount, chosen: dict[str, str],
                         policies: dict[str, list[Policy]]) -> None:
    """Store the seller's choice (ids among `policies`, as read from eBay) and whether the
    fulfillment policy ships at calculated rates (then drafts ask for weight and size)."""
    secrets = account_secrets(account)
    for kind in POLICY_KINDS:
        ids = {p.id for p in policies.get(kind, [])}
        if chosen.get(kind):
            if chosen[kind] not in ids:
                raise ValueError(f"{chosen[kind]!r} is not one of the seller's {kind} policies on eBay")
            secrets[f"{kind}_policy_id"] = chosen[kind]
    fulfillment = next((p for p in policies.get("fulfillment", []) if p.id == secrets.get("fulfillment_policy_id")),
                       None)
    secrets["calculated_shipping"] = bool(fulfillment and fulfillment.calculated_shipping)
    account_save(owner=account.owner, platform=PLATFORM, secrets=secrets, label=account.label)


def ebay_owner_ids(*, user_id: str) -> list[int]:
    """The BOOMER users connected as this eBay user."""
    return list(MarketplaceAccount.objects.filter(platform=PLATFORM, external_user_id=user_id)
                .values_list("owner_id", flat=True))


def ebay_user_forget(*, user_id: str) -> int:
    """eBay's marketplace-account-deletion: that eBay user's connection (tokens, ids, username,
    chosen policies) is deleted; how many accounts went."""
    if not user_id:
        return 0
    deleted, _ = MarketplaceAccount.objects.filter(platform=PLATFORM, external_user_id=user_id).delete()
    if deleted:
        log.info("eBay account deletion: %d connection(s) deleted", deleted)
    return deleted
