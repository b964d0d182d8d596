"""Whose fault an error is (issue 13 item 4): one seller's revoked token never opens a platform for
everyone; it marks that seller's account as needing attention, shown in the admin and told to
the seller once. An outage (5xx) still opens the platform's breaker for all."""
from __future__ import annotations

import pytest

from listings.publishing import listing_call, listing_data
from marketplaces.adapters import AdapterError
from marketplaces.breakers import CircuitOpenError, breaker_reset, breaker_state, call_with_breaker, redis_client
from marketplaces.credentials import account_save
from marketplaces.models import MarketplaceAccount
from notifications.models import Notification
from tests.factories import listing_make, product_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def breaker(settings):
    settings.BOOMER_BREAKER_FAIL_MAX, settings.BOOMER_BREAKER_RESET_SECONDS = 5, 60
    breaker_reset("ebay")
    yield
    breaker_reset("ebay")
    for key in redis_client().scan_iter(match="boomer:account-refusals:*"):
        redis_client().delete(key)


@pytest.fixture
def sellers(ebay_credentials):
    """Seller A and seller B, each with an eBay account and an item live there."""
    made = {}
    for name in ("alice", "bob"):
        user = user_make(name)
        account_save(owner=user, platform="ebay", secrets=ebay_credentials)
        listing = listing_make(product=product_make(owner=user, brand="Sony", model="WH-1000XM4"), platform="ebay",
                               status="LIVE", price="120.00")
        made[name] = listing
    return made


def withdraw(listing):
    """Take the eBay copy down (the delist saga's call; nothing is on eBay, so it is a read)."""
    return listing_call(listing, "withdraw", listing_data(listing))


def account_of(listing) -> MarketplaceAccount:
    return MarketplaceAccount.objects.get(owner=listing.product.owner, platform="ebay")


def test_five_revoked_token_errors_of_one_seller_do_not_close_ebay_for_another(sellers, ebay_server):
    alice, bob = sellers["alice"], sellers["bob"]
    withdraw(alice)  # A's token works, then eBay revokes it: every call is refused, even with a fresh token
    ebay_server.faults.fail_next, ebay_server.faults.status, ebay_server.faults.match = 10, 401, r"^/sell/"
    for _ in range(5):
        with pytest.raises(AdapterError) as error:
            withdraw(alice)
        assert not isinstance(error.value, CircuitOpenError) and error.value.status == 401

    assert breaker_state("ebay") == "closed"
    withdraw(bob)  # B's call goes through as usual
    a, b = account_of(alice), account_of(bob)
    assert a.needs_attention and "refused a fresh access token" in a.attention_reason
    assert not b.needs_attention
    [note] = Notification.objects.filter(kind="account_attention")  # once, not five times
    assert note.owner == alice.product.owner and "eBay account needs your attention" in note.body


def test_the_admin_shows_the_account_needing_attention(sellers, ebay_server, client):
    ebay_server.faults.fail_next, ebay_server.faults.status, ebay_server.faults.match = 2, 401, r"^/sell/"
    with pytest.raises(AdapterError):
        withdraw(sellers["alice"])
    admin = user_make("root", role=None, staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/marketplaces/marketplaceaccount/?attention_since__isnull=False").content.decode()
    assert "needs attention" in page and "alice" in page and "bob" not in page


def test_reconnecting_or_a_call_that_works_clears_the_mark(sellers, ebay_server, ebay_credentials):
    alice = sellers["alice"]
    ebay_server.faults.fail_next, ebay_server.faults.status, ebay_server.faults.match = 2, 401, r"^/sell/"
    with pytest.raises(AdapterError):
        withdraw(alice)
    assert account_of(alice).needs_attention
    withdraw(alice)
    assert not account_of(alice).needs_attention


def test_a_revoked_refresh_token_marks_the_account_at_once(sellers):
    alice = sellers["alice"]
    account = account_of(alice)
    account_save(owner=alice.product.owner, platform="ebay", secrets={**_secrets(account), "refresh_token": "revoked"})
    with pytest.raises(AdapterError) as error:
        withdraw(alice)
    assert error.value.permanent is True
    assert account_of(alice).needs_attention and "refresh token is invalid" in account_of(alice).attention_reason
    assert breaker_state("ebay") == "closed"


def test_five_outages_still_open_ebay_for_everyone(sellers, ebay_server):
    ebay_server.faults.fail_next, ebay_server.faults.status, ebay_server.faults.match = 5, 503, r"^/sell/"
    for _ in range(5):
        with pytest.raises(AdapterError) as error:
            withdraw(sellers["alice"])
        assert error.value.permanent is False
    assert breaker_state("ebay") == "open"
    with pytest.raises(CircuitOpenError):
        withdraw(sellers["bob"])
    assert not account_of(sellers["alice"]).needs_attention  # an outage is nobody's account


def _secrets(account):
    from marketplaces.credentials import account_secrets

    return account_secrets(account)


def test_items_refused_for_their_own_fields_never_mark_the_account(sellers):
    """Five items eBay refuses for a missing item specific: the items' fault, not the seller's account."""
    refusal = AdapterError("eBay needs Type for Headphones", permanent=True, status=400,
                           details={"problems": [{"field": "aspects.Type", "message": "eBay needs Type"}]})

    def refuse():
        raise refusal

    account = account_of(sellers["alice"])
    for _ in range(6):
        with pytest.raises(AdapterError):
            call_with_breaker("ebay", refuse, account=account)
    account.refresh_from_db()
    assert not account.needs_attention
    assert breaker_state("ebay") == "closed"
