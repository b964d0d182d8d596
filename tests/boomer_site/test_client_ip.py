"""Whose X-Forwarded-For is believed (issue 13 item 5): only the configured proxies'."""
import pytest

from boomer_site.client_ip import client_ip


@pytest.fixture(autouse=True)
def proxies(settings):
    settings.BOOMER_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]


def test_a_direct_client_is_its_peer_whatever_it_claims():
    assert client_ip({"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "198.51.100.7"


def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client():
    meta = {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7, 10.4.5.6"}
    assert client_ip(meta) == "198.51.100.7"
    assert client_ip({"REMOTE_ADDR": "::1", "HTTP_X_FORWARDED_FOR": "2001:db8::5"}) == "2001:db8::5"


def test_a_proxy_without_forwarded_for_or_with_garbage_is_taken_as_the_client():
    assert client_ip({"REMOTE_ADDR": "10.1.2.3"}) == "10.1.2.3"
    assert client_ip({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "not-an-ip"}) == "10.1.2.3"
