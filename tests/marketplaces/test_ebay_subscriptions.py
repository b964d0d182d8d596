"""eBay sends a seller's order notifications only to an app subscribed with that seller's token:
the operator registers BOOMER's endpoint once (`ebay_notifications_setup`), and connecting a
seller subscribes them to ORDER_CONFIRMATION once, or says what is left to do."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from marketplaces.ebay_account import Address
from marketplaces.ebay_setup import ebay_account_connect, ebay_account_refresh
from tests.factories import user_make

pytestmark = pytest.mark.django_db
ENDPOINT = "https://boomer.example.com/ebay/notifications/"
TOKEN = "boomer-verification-token-0123456789-abcdef"
HOME = Address(postal_code="94107", country="US")


@pytest.fixture
def app(settings, ebay_server):
    settings.EBAY_VERIFICATION_TOKEN, settings.EBAY_NOTIFICATION_ENDPOINT = TOKEN, ENDPOINT
    return ebay_server


def setup_command(*args) -> str:
    out = StringIO()
    call_command("ebay_notifications_setup", *args, stdout=out)
    return out.getvalue()


def test_the_command_registers_the_endpoint_with_ebay_once(app):
    first = setup_command("--alert-email", "ops@boomer.example.com")
    again = setup_command()

    assert [d["deliveryConfig"] for d in app.destinations.values()] == [{"endpoint": ENDPOINT,
                                                                        "verificationToken": TOKEN}]
    destination_id = next(iter(app.destinations))
    assert f"destination {destination_id}: created" in first
    assert f"destination {destination_id}: already there" in again
    assert app.count("POST", r"/commerce/notification/v1/destination") == 1
    assert app.alert_email == "ops@boomer.example.com"


def test_the_command_without_the_endpoint_settings_says_what_to_set(app, settings):
    settings.EBAY_NOTIFICATION_ENDPOINT = ""
    with pytest.raises(CommandError, match="EBAY_NOTIFICATION_ENDPOINT"):
        setup_command()
    assert app.destinations == {}


def test_connecting_subscribes_the_seller_to_order_notifications_once(app):
    setup_command()
    seller = user_make("subscribed-seller")

    _, first = ebay_account_connect(owner=seller, refresh_token=app.refresh_token, address=HOME)
    account, second = ebay_account_connect(owner=seller, refresh_token=app.refresh_token, address=HOME)
    third = ebay_account_refresh(account=account, address=HOME)

    assert (first.subscribed, second.subscribed, third.subscribed) == (True, False, False)
    assert first.todo == second.todo == third.todo == []
    [subscription] = app.subscriptions.values()
    assert subscription["topicId"] == "ORDER_CONFIRMATION" and subscription["status"] == "ENABLED"
    assert subscription["destinationId"] == next(iter(app.destinations))
    assert subscription["payload"] == {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}
    assert app.count("POST", r"/commerce/notification/v1/subscription") == 1


def test_before_the_operator_registered_the_endpoint_the_seller_gets_a_todo_not_a_failure(app):
    account, report = ebay_account_connect(owner=user_make("early-seller"), refresh_token=app.refresh_token,
                                           address=HOME)

    assert account.pk and report.location_key  # connected and set up all the same
    assert report.subscribed is False
    assert any("order notifications could not be subscribed" in item and "ebay_notifications_setup" in item
               for item in report.todo)
    assert app.subscriptions == {}

    setup_command()  # the operator catches up; the seller's next refresh subscribes
    assert ebay_account_refresh(account=account, address=HOME).subscribed is True
