import pytest
import requests
from django.core.cache import cache

from tests.factories import user_make

PASSWORD = "pw-Boomer-2026"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()  # the test Redis db only (BOOMER_REDIS_DB=15)
    yield


class Api:
    """A client speaking HTTP to the live server, as a seller's script would."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.session = requests.Session()

    def login(self, username: str, password: str = PASSWORD) -> dict:
        pair = requests.post(f"{self.base}/api/auth/token/", json={"username": username, "password": password}).json()
        self.session.headers["Authorization"] = f"Bearer {pair['access']}"
        return pair

    def __getattr__(self, method):
        def call(path, **kwargs):
            return self.session.request(method.upper(), f"{self.base}{path}", timeout=30, **kwargs)
        return call


@pytest.fixture
def api(live_server):
    return lambda: Api(live_server.url)


@pytest.fixture
def people(transactional_db):
    return {
        "seller_a": user_make("seller_a"),
        "seller_b": user_make("seller_b"),
        "reviewer": user_make("reviewer", role="reviewer"),
    }
