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
from marketplaces.credentials import CredentialsError, account_save, account_secrets, key_rotate
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
def test_rotate_re_encrypts_under_the_new_key(owner, settings):
    old, new = b64key(), b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = old
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    old_blob = bytes(account.secret)

    assert key_rotate(old_key=old, new_key=new) == 1
    settings.BOOMER_SECRET_KEY_ENCRYPTION = new

    account.refresh_from_db()
    assert bytes(account.secret) != old_blob
    assert account.key_id == creds.key_id(base64.b64decode(new)).hex()
    assert account_secrets(account) == SECRETS
    assert key_rotate(old_key=old, new_key=new) == 0  # nothing left under the old key


@pytest.mark.django_db
def test_an_unknown_key_is_refused_clearly(owner, settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = b64key()
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    settings.BOOMER_SECRET_KEY_ENCRYPTION = b64key()
    with pytest.raises(CredentialsError, match="unknown key"):
        account_secrets(account)


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
