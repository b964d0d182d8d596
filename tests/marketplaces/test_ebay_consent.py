"""A seller connects eBay through eBay's consent page: the admin's button → eBay's authorize page
(the contract server) → back to BOOMER with a code → tokens stored encrypted, the seller's
policies read and chosen, the inventory location created once."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.db import connection
from django.test import Client
from django.utils import timezone

from marketplaces.adapters import adapter_for
from marketplaces.credentials import account_save, account_secrets
from marketplaces.models import MarketplaceAccount
from notifications.models import SellerProfile
from tests.factories import listing_make, product_make, user_make
from tests.marketplaces.conftest import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def ebay_app(settings, ebay_server):
    """The operator's eBay app, registered with the contract server."""
    settings.EBAY_CLIENT_ID = ebay_server.client_id
    settings.EBAY_CLIENT_SECRET = ebay_server.client_secret
    settings.EBAY_RU_NAME = ebay_server.ru_name
    settings.EBAY_AUTH_WEB_URL = ebay_server.url + "/oauth2/authorize"
    return ebay_server


@pytest.fixture
def seller(db):
    user = user_make("ebay-seller", staff=True)
    user.is_superuser = True  # the admin pages; the consent itself needs only a staff session
    user.save()
    SellerProfile.objects.create(user=user, postal_code="94107", country="US", city="San Francisco",
                                 state_or_province="CA", address_line1="1 Main St")
    return user


def consent(client: Client, ebay_server, *, start="/ebay/connect/") -> str:
    """Click Connect eBay, consent on eBay's page; the callback URL eBay sends the browser to."""
    started = client.get(start)
    assert started.status_code == 302, started.content
    authorize = started["Location"]
    assert authorize.startswith(ebay_server.url + "/oauth2/authorize?")
    query = parse_qs(urlparse(authorize).query)
    assert query["redirect_uri"] == [ebay_server.ru_name] and query["response_type"] == ["code"]
    assert "https://api.ebay.com/oauth/api_scope/sell.account" in query["scope"][0].split()
    page = requests.get(authorize, allow_redirects=False, timeout=5)
    assert page.status_code == 302, page.text
    back = urlparse(page.headers["Location"])
    assert back.path == "/ebay/connect/callback/" and "code=" in back.query and "state=" in back.query
    return f"{back.path}?{back.query}"


def test_connect_ebay_from_the_admin_through_the_consent_page(client, seller, ebay_app):
    client.force_login(seller)
    listing_page = client.get("/admin/marketplaces/marketplaceaccount/").content.decode()
    assert 'href="/ebay/connect/"' in listing_page and "Connect eBay" in listing_page

    done = client.get(consent(client, ebay_app), follow=True)

    assert done.status_code == 200
    account = MarketplaceAccount.objects.get(owner=seller, platform="ebay")
    assert done.redirect_chain[-1][0] == f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/"
    page = done.content.decode()
    assert "Connected to eBay" in page and ebay_app.ebay_user["username"] in page
    assert ebay_app.refresh_token not in page

    secrets = account_secrets(account)
    assert secrets["refresh_token"] == ebay_app.refresh_token
    assert secrets["ebay_user_id"] == ebay_app.ebay_user["userId"] == account.external_user_id
    # one policy of each kind on eBay: chosen by itself
    assert (secrets["fulfillment_policy_id"], secrets["payment_policy_id"], secrets["return_policy_id"]) == (
        "6196932000", "6196940000", "6196944000")
    assert secrets["calculated_shipping"] is False
    key = secrets["merchant_location_key"]
    assert ebay_app.locations[key]["location"]["address"] == {
        "addressLine1": "1 Main St", "city": "San Francisco", "stateOrProvince": "CA", "postalCode": "94107",
        "country": "US"}
    assert ebay_app.locations[key]["locationTypes"] == ["WAREHOUSE"]
    # eBay's refresh token lasts 18 months; the admin shows when
    assert account.token_expires_at - timezone.now() > timedelta(days=540)
    assert str(account.token_expires_at.date()) in page
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM marketplaces_marketplaceaccount WHERE id = %s", [account.pk])
        assert ebay_app.refresh_token.encode() not in bytes(cursor.fetchone()[0])

    # Connecting again (a new consent) keeps the one location.
    client.get(consent(client, ebay_app))
    assert ebay_app.locations_created[key] == 1
    assert ebay_app.count("POST", r"/sell/inventory/v1/location/") == 1
    assert MarketplaceAccount.objects.filter(owner=seller, platform="ebay").count() == 1


def test_a_consent_works_once_and_only_in_the_session_that_started_it(client, seller, ebay_app):
    client.force_login(seller)
    callback = consent(client, ebay_app)
    other = Client()
    other.force_login(seller)  # the same person in another browser: no nonce in that session
    refused = other.get(callback)
    assert refused.status_code == 400 and b"start again" in refused.content
    assert not MarketplaceAccount.objects.exists()

    callback = consent(client, ebay_app)
    assert client.get(callback).status_code == 302
    replay = client.get(callback)
    assert replay.status_code == 400
    tampered = consent(client, ebay_app).replace("state=", "state=x")
    assert client.get(tampered).status_code == 400


def test_a_seller_who_declines_on_ebay_is_told(client, seller, ebay_app):
    client.force_login(seller)
    page = client.get("/ebay/connect/callback/?error=access_denied&error_description=user+declined", follow=True)
    assert "Not connected to eBay: user declined" in page.content.decode()
    assert not MarketplaceAccount.objects.exists()


def test_the_seller_chooses_among_several_policies_in_the_admin(client, seller, ebay_app):
    ebay_app.policies["fulfillment"].append({
        "fulfillmentPolicyId": "6196933000", "name": "Calculated USPS", "marketplaceId": "EBAY_US",
        "shippingOptions": [{"optionType": "DOMESTIC", "costType": "CALCULATED"}]})
    client.force_login(seller)
    page = client.get(consent(client, ebay_app), follow=True).content.decode()
    assert "choose the fulfillment policy in the admin (2 on eBay)" in page
    account = MarketplaceAccount.objects.get(owner=seller)
    assert "fulfillment_policy_id" not in account_secrets(account)
    assert "Calculated USPS (calculated shipping)" in page and "Ship in 1 day, USPS flat" in page

    saved = client.post(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/", {
        "label": "", "secrets": "", "fulfillment_policy": "6196933000", "payment_policy": "6196940000",
        "return_policy": "6196944000"})
    assert saved.status_code == 302, saved.content[:3000]
    account.refresh_from_db()
    secrets = account_secrets(account)
    assert secrets["fulfillment_policy_id"] == "6196933000" and secrets["calculated_shipping"] is True

    # Not one of the seller's policies: the form refuses it.
    wrong = client.post(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/", {
        "label": "", "secrets": "", "fulfillment_policy": "123"})
    assert wrong.status_code == 200 and "Select a valid choice" in wrong.content.decode()


def test_the_admin_warns_when_the_refresh_token_is_about_to_expire(client, seller, ebay_app):
    client.force_login(seller)
    client.get(consent(client, ebay_app))
    account = MarketplaceAccount.objects.get(owner=seller)
    MarketplaceAccount.objects.filter(pk=account.pk).update(token_expires_at=timezone.now() + timedelta(days=10))

    page = client.get(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/").content.decode()
    assert "the seller must connect again before then" in page
    listing = client.get("/admin/marketplaces/marketplaceaccount/").content.decode()
    assert "connect again" in listing


def test_without_an_address_the_location_is_left_as_a_clear_todo(client, seller, ebay_app):
    SellerProfile.objects.filter(user=seller).update(postal_code="", country="")
    client.force_login(seller)
    page = client.get(consent(client, ebay_app), follow=True).content.decode()
    assert "postal code and country" in page
    assert "merchant_location_key" not in account_secrets(MarketplaceAccount.objects.get(owner=seller))
    assert ebay_app.count("POST", r"/sell/inventory/v1/location/") == 0


def test_a_staff_member_without_the_right_cannot_connect_someone_else(client, ebay_app, seller):
    clerk = user_make("clerk", staff=True)
    client.force_login(clerk)
    assert client.get(f"/ebay/connect/?owner={seller.pk}").status_code == 403


def test_an_account_connected_by_consent_publishes_with_the_operators_app(client, seller, ebay_app, listing, media):
    # connected before with keys of its own (pasted by hand): the consent's token belongs to the operator's app
    account_save(owner=seller, platform="ebay", secrets={"client_id": "hand-pasted-app", "client_secret": "x",
                                                         "refresh_token": "old"})
    client.force_login(seller)
    client.get(consent(client, ebay_app))
    secrets = account_secrets(MarketplaceAccount.objects.get(owner=seller))
    assert "client_id" not in secrets and "client_secret" not in secrets  # the app's keys stay in the settings
    second = listing_make(product=product_make(owner=listing.product.owner), platform="ebay", status="PUBLISHING")
    second.platform_fields = listing.platform_fields
    second.save(update_fields=["platform_fields"])

    ebay = adapter_for("ebay", credentials=secrets)
    results = [ebay.publish(data(item), media) for item in (listing, second)]

    offers = list(ebay_app.offers.values())
    assert [o["status"] for o in offers] == ["PUBLISHED", "PUBLISHED"]
    assert {r.external_id for r in results} == {o["listing"]["listingId"] for o in offers}
    assert {o["merchantLocationKey"] for o in offers} == {secrets["merchant_location_key"]}
    assert ebay_app.count("POST", r"/sell/inventory/v1/location/") == 1  # made once, at connect time
    assert offers[0]["listingPolicies"] == {"fulfillmentPolicyId": "6196932000", "paymentPolicyId": "6196940000",
                                            "returnPolicyId": "6196944000"}


def test_policies_are_read_again_with_a_fresh_token_when_ebay_dropped_the_cached_one(client, seller, ebay_app):
    client.force_login(seller)
    client.get(consent(client, ebay_app))
    account = MarketplaceAccount.objects.get(owner=seller)
    client.get(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/")  # a token refreshed and cached
    ebay_app.expire_tokens()

    page = client.get(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/").content.decode()

    assert "Ship in 1 day, USPS flat" in page and "could not be read" not in page


def test_when_ebay_fails_after_the_consent_the_token_is_kept_and_the_seller_told(client, seller, ebay_app):
    client.force_login(seller)
    callback = consent(client, ebay_app)
    ebay_app.faults.fail_next, ebay_app.faults.status, ebay_app.faults.match = 1, 503, r"/sell/account/"

    page = client.get(callback, follow=True).content.decode()

    assert "policies or location could not be set up" in page and "refresh the account" in page
    account = MarketplaceAccount.objects.get(owner=seller)
    assert account_secrets(account)["refresh_token"] == ebay_app.refresh_token  # no second consent needed

    # The admin's refresh finishes the setup.
    client.post("/admin/marketplaces/marketplaceaccount/", {"action": "ebay_refresh", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account_secrets(account)["fulfillment_policy_id"] == "6196932000"
    assert account_secrets(account)["merchant_location_key"] in ebay_app.locations


def test_connect_ebay_without_the_app_configured_says_what_to_set(client, seller, settings):
    settings.EBAY_RU_NAME = ""
    client.force_login(seller)
    response = client.get("/ebay/connect/")
    assert response.status_code == 503 and b"EBAY_RU_NAME" in response.content
