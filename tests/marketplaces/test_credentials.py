"""Encrypted marketplace credentials and the log redaction."""
from __future__ import annotations

import base64
import io
import logging
import os

import pytest
from django.db import connection

from boomer_site.redaction import RedactSecretsFilter, redact, secret_values_register
from marketplaces import credentials as creds
from marketplaces.credentials import CredentialsError, account_save, account_secrets, credentials_reencrypt
from marketplaces.models import MarketplaceAccount

SECRETS = {"client_id": "boomer-app", "client_secret": "cs-4f9a-very-secret", "refresh_token": "v^1.1#r^1#rt-secret-xyz"}


def b64key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def key(settings):
    value = b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = value
    return value


@pytest.mark.django_db
def test_round_trip_and_nothing_readable_in_the_database(owner, key):
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS, label="main shop")

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM marketplaces_marketplaceaccount WHERE id = %s", [account.pk])
        raw = bytes(cursor.fetchone()[0])
    for value in SECRETS.values():
        assert value.encode() not in raw
    assert raw.startswith(b"B1") and len(raw) > 2 + 8 + 12 + 16
    assert account_secrets(MarketplaceAccount.objects.get(pk=account.pk)) == SECRETS


@pytest.mark.django_db
def test_each_save_uses_a_new_nonce(owner, key):
    first = bytes(account_save(owner=owner, platform="ebay", secrets=SECRETS).secret)
    second = bytes(account_save(owner=owner, platform="ebay", secrets=SECRETS).secret)
    assert first[10:22] != second[10:22] and first != second
    assert MarketplaceAccount.objects.filter(owner=owner, platform="ebay").count() == 1


@pytest.mark.django_db
def test_repr_and_str_never_show_secrets(owner, key):
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS, label="shop")
    for text in (repr(account), str(account)):
        assert SECRETS["client_secret"] not in text and SECRETS["refresh_token"] not in text


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_row_does_not_decrypt(owner, key):
    ebay = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    mercari = account_save(owner=owner, platform="mercari", secrets={"password": "x"})
    mercari.secret = ebay.secret
    with pytest.raises(CredentialsError):
        account_secrets(mercari)


@pytest.mark.django_db
def test_rotation_mid_flight_old_and_new_keys_both_open_until_the_re_encryption(owner, settings):
    """Issue 13 item 16: the new key goes first in the list; rows sealed with the old one still
    open (a worker mid-rotation reads them), new saves use the new key, and the re-encryption
    moves the rest, after which the old key can go."""
    old, new = b64key(), b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = old
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    other = account_save(owner=owner, platform="mercari", secrets={"password": "x"})

    settings.BOOMER_SECRET_KEY_ENCRYPTION = f"{new},{old}"  # newest first
    assert account_secrets(MarketplaceAccount.objects.get(pk=account.pk)) == SECRETS
    other = account_save(owner=owner, platform="mercari", secrets={"password": "y"})
    assert other.key_id == creds.key_id(base64.b64decode(new)).hex()

    assert credentials_reencrypt() == (1, [])
    assert credentials_reencrypt() == (0, [])  # nothing left on the old key
    settings.BOOMER_SECRET_KEY_ENCRYPTION = new  # the old key removed
    for row in MarketplaceAccount.objects.filter(owner=owner):
        assert row.key_id == creds.key_id(base64.b64decode(new)).hex()
    assert account_secrets(MarketplaceAccount.objects.get(pk=account.pk)) == SECRETS


@pytest.mark.django_db
def test_a_key_this_process_does_not_have_yet_is_retryable_and_flags_the_account(owner, settings):
    """Between a re-encryption and the environment reaching every worker, a worker meets rows
    sealed with a key it does not know: a retry can help (not a permanent failure), and the
    account shows it needs attention."""
    from marketplaces.adapters import AdapterError
    from marketplaces.breakers import account_call

    old, new = b64key(), b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = f"{new},{old}"
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    settings.BOOMER_SECRET_KEY_ENCRYPTION = old  # this worker's environment is not updated yet

    with pytest.raises(AdapterError) as error:
        account_call(MarketplaceAccount.objects.get(pk=account.pk), "withdraw", None)
    assert error.value.permanent is False and error.value.account is True
    assert "unknown key" in error.value.message
    account.refresh_from_db()
    assert account.needs_attention and "BOOMER_SECRET_KEY_ENCRYPTION" in account.attention_reason


@pytest.mark.django_db
def test_an_adapters_renewed_session_is_merged_into_the_secrets_stored_now(owner, key):
    """A worker that read the secrets, then renewed the session (Mercari after a login), must
    not put back its stale copy: the seller reconnected with a new password meanwhile."""
    from marketplaces.accounts import account_adapter

    account = account_save(owner=owner, platform="mercari", secrets={"email": "a@b.c", "password": "old-pw"})
    adapter = account_adapter(MarketplaceAccount.objects.get(pk=account.pk))
    account_save(owner=owner, platform="mercari", secrets={"email": "a@b.c", "password": "new-pw"})  # reconnected

    adapter.credentials["storage_state"] = {"cookies": [{"name": "sid", "value": "s1"}]}
    adapter.on_credentials_change(dict(adapter.credentials))  # what the Mercari adapter hands back

    stored = account_secrets(MarketplaceAccount.objects.get(pk=account.pk))
    assert stored == {"email": "a@b.c", "password": "new-pw", "storage_state": {"cookies": [{"name": "sid", "value": "s1"}]}}


def test_without_a_configured_key_it_derives_one_from_secret_key(settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = ""
    assert creds.current_key() == creds.derived_key()
    assert len(creds.derived_key()) == 32


def test_a_malformed_key_is_refused(settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = base64.b64encode(b"short").decode()
    with pytest.raises(CredentialsError, match="32 bytes"):
        creds.current_key()


def test_redact_patterns():
    text = ("POST token Authorization: Basic Ym9vbWVyOnNlY3JldA== body grant_type=refresh_token&"
            "refresh_token=v^1.1#r^1#abc&client_secret=s3cr3t; header Bearer v^1.1#i^1#tok|en==; "
            '{"access_token": "EAAB123", "password": "hunter22"}')
    cleaned = redact(text)
    for secret in ("Ym9vbWVyOnNlY3JldA==", "v^1.1#r^1#abc", "s3cr3t", "v^1.1#i^1#tok|en==", "EAAB123", "hunter22"):
        assert secret not in cleaned
    assert "grant_type=refresh_token" in cleaned


def test_the_configured_log_handler_redacts_known_values_args_and_tracebacks():
    """Every process logs through the root handler of settings.LOGGING, which carries the filter."""
    secret_values_register({"nested": {"token": "plain-looking-value-123"}})
    [handler] = [h for h in logging.getLogger().handlers
                 if any(isinstance(f, RedactSecretsFilter) for f in h.filters)]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    logger = logging.getLogger("marketplaces.adapters.ebay")
    try:
        logger.warning("calling with %s and %r", "plain-looking-value-123", {"client_secret": "zzz-secret"})
        try:
            raise ValueError("refresh_token=leaky-value")
        except ValueError:
            logger.exception("failed")
    finally:
        handler.setStream(previous)
    text = stream.getvalue()
    assert "plain-looking-value-123" not in text and "zzz-secret" not in text and "leaky-value" not in text
    assert "[REDACTED]" in text
