"""`connect_marketplace ebay` for scripts: the app keys from the environment, the seller's refresh
token from a file or a prompt (never needed on the command line, which `ps` shows), then the same
setup as the consent page: who the seller is, the policies, the inventory location."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount
from notifications.models import SellerProfile
from tests.conftest import ROOT


@pytest.fixture
def app_keys(settings, ebay_server):
    settings.EBAY_CLIENT_ID, settings.EBAY_CLIENT_SECRET = ebay_server.client_id, ebay_server.client_secret
    return ebay_server


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("connect_marketplace", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "lines"])
def test_secrets_from_a_file_then_policies_and_location(tmp_path, owner, app_keys, fmt):
    path = tmp_path / "ebay.secrets"
    if fmt == "json":
        path.write_text(json.dumps({"refresh_token": app_keys.refresh_token}))
    else:
        path.write_text(f"# the seller's eBay token\nrefresh_token={app_keys.refresh_token}\n")

    out, err = run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path),
                   "--set", "postal_code=10001", "--set", "country=us")

    assert app_keys.refresh_token not in out + err
    assert "as eBay user boomer_seller_1" in out and "location: boomer-main (created)" in out and err == ""
    account = MarketplaceAccount.objects.get(owner=owner, platform="ebay")
    secrets = account_secrets(account)
    assert secrets["refresh_token"] == app_keys.refresh_token
    assert {"client_id", "client_secret", "postal_code", "country"}.isdisjoint(secrets)  # the app's, the address
    assert secrets["fulfillment_policy_id"] == "6196932000" and secrets["merchant_location_key"] == "boomer-main"
    assert app_keys.locations["boomer-main"]["location"]["address"] == {"postalCode": "10001", "country": "US"}

    # Run again (e.g. a new token): the location is there already.
    out, _ = run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path))
    assert "location: boomer-main (already there)" in out
    assert app_keys.count("POST", r"/sell/inventory/v1/location/") == 1


@pytest.mark.django_db
def test_the_address_comes_from_the_seller_profile(tmp_path, owner, app_keys):
    SellerProfile.objects.create(user=owner, postal_code="60601", country="US", city="Chicago")
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"refresh_token": app_keys.refresh_token}))
    run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path))
    assert app_keys.locations["boomer-main"]["location"]["address"] == {
        "city": "Chicago", "postalCode": "60601", "country": "US"}


@pytest.mark.django_db
def test_what_is_left_to_do_is_said_and_a_bad_token_is_a_clear_error(tmp_path, owner, app_keys):
    app_keys.policies["payment"] = []
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"refresh_token": app_keys.refresh_token}))
    _, err = run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path))
    assert "create a payment policy on eBay" in err and "postal code and country" in err

    path.write_text(json.dumps({"refresh_token": "v^1.1#r^1#revoked"}))
    with pytest.raises(CommandError, match="Not connected|not connected"):
        run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path))
    bad = tmp_path / "bad"
    bad.write_text("refresh_token\n")
    with pytest.raises(CommandError, match="line 1: expected NAME=VALUE"):
        run("ebay", "--user", owner.username, "--secrets-file", str(bad))


def test_the_help_says_where_secrets_should_come_from(capsys):
    with pytest.raises(SystemExit):
        call_command("connect_marketplace", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "--secrets-file" in text and "ps" in text and "prompt" in text


@pytest.mark.django_db(transaction=True)
def test_the_token_can_be_typed_at_the_prompt(owner, app_keys, test_env):
    """A real process reading the token from its terminal (stdin here): nothing secret in argv."""
    env = {**os.environ, **test_env, "EBAY_API_URL": app_keys.url, "EBAY_AUTH_URL": app_keys.url,
           "EBAY_CLIENT_ID": app_keys.client_id, "EBAY_CLIENT_SECRET": app_keys.client_secret}
    argv = [sys.executable, "manage.py", "connect_marketplace", "ebay", "--user", owner.username,
            "--set", "postal_code=10001", "--set", "country=US"]
    done = subprocess.run(argv, input=app_keys.refresh_token + "\n", capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ebay connected" in done.stdout and app_keys.refresh_token not in done.stdout + done.stderr
    assert account_secrets(MarketplaceAccount.objects.get(owner=owner))["refresh_token"] == app_keys.refresh_token


@pytest.mark.django_db
def test_a_seller_connected_by_the_command_is_subscribed_to_order_notifications(tmp_path, owner, app_keys, settings):
    settings.EBAY_NOTIFICATION_ENDPOINT = "https://boomer.example.com/ebay/notifications/"
    settings.EBAY_VERIFICATION_TOKEN = "boomer-verification-token-0123456789-abcdef"
    call_command("ebay_notifications_setup", stdout=io.StringIO())
    path = tmp_path / "ebay.secrets"
    path.write_text(json.dumps({"refresh_token": app_keys.refresh_token}))

    for _ in range(2):
        _, err = run("ebay", "--user", owner.username, "--no-input", "--secrets-file", str(path),
                     "--set", "postal_code=10001", "--set", "country=us")
        assert err == ""

    assert [s["topicId"] for s in app_keys.subscriptions.values()] == ["ORDER_CONFIRMATION"]
