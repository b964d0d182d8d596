"""The Facebook token goes in the Authorization header, never in a URL (issue 13 item 7): URLs
end up in proxies' and servers' access logs and in error reports."""
from __future__ import annotations

import pytest

from tests.marketplaces.conftest import data_for

data = data_for("facebook")

pytestmark = pytest.mark.django_db


def test_publish_status_and_withdraw_send_the_token_only_as_a_header(facebook, facebook_server, listing, media):
    facebook.publish(data(listing), media)
    assert facebook.fetch_status(data(listing)).status == "LIVE"
    facebook.withdraw(data(listing))
    assert facebook_server.tokens_in_requests == []
    assert facebook_server.count("POST", r"/items_batch$") == 2 and facebook_server.count("GET", r"/products$") >= 1
