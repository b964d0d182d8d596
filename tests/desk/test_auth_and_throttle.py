"""JWT: 15-minute access tokens, refresh tokens rotated and blacklisted on use; throttling at
100 requests/min per user and per IP, answering 429 with Retry-After."""
from datetime import timedelta

import pytest
import requests
from rest_framework_simplejwt.tokens import AccessToken

pytestmark = pytest.mark.django_db(transaction=True)


def test_access_token_lasts_15_minutes_and_expired_ones_are_refused(api, people):
    client = api()
    pair = client.login("seller_a")
    token = AccessToken(pair["access"])
    # simplejwt stamps the access token's exp from the refresh token's clock and its iat from its
    # own, so the two can straddle a second boundary: 15 minutes to the second, not to the tick.
    assert 15 * 60 - 1 <= token["exp"] - token["iat"] <= 15 * 60
    assert client.get("/api/products/").status_code == 200

    expired = AccessToken.for_user(people["seller_a"])
    expired.set_exp(lifetime=-timedelta(seconds=1))
    response = requests.get(f"{client.base}/api/products/", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.text.lower() or "not valid" in response.text.lower()


def test_refresh_rotates_and_a_used_refresh_token_is_refused(api, people):
    client = api()
    first = client.login("seller_a")
    rotated = requests.post(f"{client.base}/api/auth/token/refresh/", json={"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"] and rotated.json()["access"]
    again = requests.post(f"{client.base}/api/auth/token/refresh/", json={"refresh": first["refresh"]})
    assert again.status_code == 401 and "blacklisted" in again.text.lower()
    fresh = requests.post(f"{client.base}/api/auth/token/refresh/", json={"refresh": rotated.json()["refresh"]})
    assert fresh.status_code == 200


def test_bad_credentials_are_a_401_with_a_detail(api, people):
    response = requests.post(f"{api().base}/api/auth/token/", json={"username": "seller_a", "password": "wrong"})
    assert response.status_code == 401 and response.json()["detail"]


def test_a_user_gets_100_requests_a_minute_then_429_with_retry_after(api, people):
    client = api()
    client.login("seller_a")
    codes = [client.get("/api/listings/").status_code for _ in range(100)]
    assert codes == [200] * 100
    limited = client.get("/api/listings/")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert "throttled" in limited.json()["detail"].lower()
    # Another user is counted apart.
    other = api()
    other.login("seller_b")
    assert other.get("/api/listings/").status_code == 200


def test_anonymous_clients_are_throttled_per_ip(api, people):
    client = api()
    codes = [client.get("/api/products/").status_code for _ in range(101)]
    assert codes[:100] == [401] * 100 and codes[100] == 429
