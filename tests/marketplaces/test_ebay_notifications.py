"""eBay's notification endpoint: the challenge that registers it, account deletions verified with
eBay's signature (key from the Notification API, cached), and refusals that say why."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from marketplaces import ebay_notifications
from marketplaces.ebay_account import Address
from marketplaces.ebay_setup import ebay_account_connect
from marketplaces.models import MarketplaceAccount
from tests.factories import user_make

pytestmark = pytest.mark.django_db
URL = "/ebay/notifications/"
ENDPOINT = "https://boomer.example.com/ebay/notifications/"
TOKEN = "boomer-verification-token-0123456789-abcdef"


@pytest.fixture(autouse=True)
def refusals_forgotten():
    """Key ids eBay refused count against the sender's address (the test client's 127.0.0.1) for
    minutes: none of this module's counts reach another test."""
    ebay_notifications.key_refusals_forget("127.0.0.1")
    yield
    ebay_notifications.key_refusals_forget("127.0.0.1")


@pytest.fixture
def endpoint(settings, ebay_server):
    settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = ebay_server.client_id, ebay_server.client_secret
    settings.EBAY_VERIFICATION_TOKEN = TOKEN
    settings.EBAY_NOTIFICATION_ENDPOINT = ENDPOINT
    return ebay_server


def connected(username: str, server, user_id: str) -> MarketplaceAccount:
    server.ebay_user = {"userId": user_id, "username": f"{username}_on_ebay"}
    account, _ = ebay_account_connect(owner=user_make(username), refresh_token=server.refresh_token,
                                      address=Address(postal_code="94107", country="US"))
    return account


def post(client, server, body: bytes, signature: str | None):
    headers = {"HTTP_X_EBAY_SIGNATURE": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", **headers)


def deletion(server, user_id: str) -> bytes:
    return server.notification("MARKETPLACE_ACCOUNT_DELETION", {
        "username": "gone_user", "userId": user_id, "eiasToken": "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wFk4GlDpaDpAudj6x9"})


def test_the_challenge_is_answered_as_ebay_computes_it(client, endpoint):
    response = client.get(URL, {"challenge_code": "a8628072-3d33-45ee-9004-bee86830a22d"})

    assert response.status_code == 200
    expected = hashlib.sha256(("a8628072-3d33-45ee-9004-bee86830a22d" + TOKEN + ENDPOINT).encode()).hexdigest()
    assert response.json() == {"challengeResponse": expected}
    assert client.get(URL).status_code == 400


def test_without_the_verification_token_the_challenge_says_what_to_set(client, settings, endpoint):
    settings.EBAY_VERIFICATION_TOKEN = ""
    response = client.get(URL, {"challenge_code": "x"})
    assert response.status_code == 503 and "EBAY_VERIFICATION_TOKEN" in response.json()["detail"]


def test_an_account_deletion_deletes_that_ebay_users_connection_only(client, endpoint):
    leaving = connected("leaving", endpoint, "ma8vp1jySJC")
    staying = connected("staying", endpoint, "zz9staying")
    body = deletion(endpoint, "ma8vp1jySJC")

    response = post(client, endpoint, body, endpoint.sign_notification(body))

    assert response.status_code == 204
    assert not MarketplaceAccount.objects.filter(pk=leaving.pk).exists()
    assert MarketplaceAccount.objects.filter(pk=staying.pk).exists()
    # A second message for the same user (eBay retries) is fine; the key was read once.
    again = deletion(endpoint, "ma8vp1jySJC")
    assert post(client, endpoint, again, endpoint.sign_notification(again)).status_code == 204
    assert endpoint.count("GET", r"/commerce/notification/v1/public_key/") == 1


@pytest.mark.parametrize("forgery", ["other key", "tampered body", "unknown kid", "no header", "not base64",
                                     "not ecdsa"])
def test_a_message_eBay_did_not_sign_is_refused_and_changes_nothing(client, endpoint, forgery):
    account = connected("seller", endpoint, "ma8vp1jySJC")
    body = deletion(endpoint, "ma8vp1jySJC")
    signature = endpoint.sign_notification(body)
    if forgery == "other key":
        signature = endpoint.sign_notification(body, key=ec.generate_private_key(ec.SECP256R1()))
    elif forgery == "tampered body":
        body = body.replace(b"gone_user", b"gone_usr2")
    elif forgery == "unknown kid":
        signature = endpoint.sign_notification(body, kid="00000000-0000-0000-0000-000000000000")
    elif forgery == "no header":
        signature = None
    elif forgery == "not base64":
        signature = "%%%not-base64%%%"
    elif forgery == "not ecdsa":
        fields = json.loads(base64.b64decode(signature))
        signature = base64.b64encode(json.dumps({**fields, "alg": "hmac"}).encode()).decode()

    response = post(client, endpoint, body, signature)

    assert response.status_code in (401, 412), response.content
    assert response.json()["detail"]
    assert MarketplaceAccount.objects.filter(pk=account.pk).exists()


def test_a_signed_body_that_is_not_a_notification_is_a_400(client, endpoint):
    body = b'{"hello": "world"}'
    response = post(client, endpoint, body, endpoint.sign_notification(body))
    assert response.status_code == 400 and "metadata.topic" in response.json()["detail"]


def test_when_ebays_key_cannot_be_read_ebay_is_asked_to_retry(client, endpoint):
    body = deletion(endpoint, "ma8vp1jySJC")
    signature = endpoint.sign_notification(body)
    endpoint.faults.fail_next, endpoint.faults.status, endpoint.faults.match = 1, 503, r"/public_key/"

    response = post(client, endpoint, body, signature)

    assert response.status_code == 503 and "retry" in response.json()["detail"]


@pytest.fixture
def forger():
    """Another address than the test client's (eBay's): its refused key ids are its own."""
    address = "203.0.113.66"
    ebay_notifications.key_refusals_forget(address)
    yield address
    ebay_notifications.key_refusals_forget(address)


def test_forged_messages_with_made_up_key_ids_cost_only_a_few_key_requests(client, endpoint, forger):
    account = connected("seller", endpoint, "ma8vp1jySJC")
    body = deletion(endpoint, "ma8vp1jySJC")
    statuses = []
    for _ in range(20):
        signature = endpoint.sign_notification(body, kid=str(uuid.uuid4()), key=ec.generate_private_key(ec.SECP256R1()))
        statuses.append(client.post(URL, data=body, content_type="application/json", HTTP_X_EBAY_SIGNATURE=signature,
                                    REMOTE_ADDR=forger).status_code)

    assert endpoint.count("GET", r"/commerce/notification/v1/public_key/") <= 3
    assert set(statuses) == {412, 429} and statuses[-1] == 429
    assert MarketplaceAccount.objects.filter(pk=account.pk).exists()
    # eBay itself, from its own address, is still heard (its key id is asked about once)
    assert post(client, endpoint, body, endpoint.sign_notification(body)).status_code == 204
    assert not MarketplaceAccount.objects.filter(pk=account.pk).exists()


def test_a_key_id_ebay_refused_is_not_asked_about_again(client, endpoint):
    kid = str(uuid.uuid4())
    body = deletion(endpoint, "ma8vp1jySJC")
    for _ in range(3):
        assert post(client, endpoint, body, endpoint.sign_notification(body, kid=kid)).status_code == 412
    assert endpoint.count("GET", rf"/commerce/notification/v1/public_key/{kid}") == 1
