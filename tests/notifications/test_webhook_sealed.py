"""A seller's webhook URL and secret are secrets (issue 13 item 7): sealed at rest like marketplace
credentials, re-sealed by key rotation, and never shown back by the admin."""
from __future__ import annotations

import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from marketplaces.credentials import CredentialsError
from notifications.models import SellerProfile
from notifications.services import webhooks_reencrypt
from tests.factories import user_make

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/boomer?access_token=hk-7731-live"
SECRET = "whsec-5c1e-private"


def b64key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def profile(settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = b64key()
    return SellerProfile.objects.create(user=user_make("seller_w"), webhook_url=URL, webhook_secret=SECRET)


def row(profile) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM listings_sellerprofile WHERE id = %s", [profile.pk])
        return repr(cursor.fetchone())


def test_the_database_holds_neither_the_url_nor_the_secret(profile):
    stored = row(profile)
    assert "hooks.example.com" not in stored and "hk-7731-live" not in stored and SECRET not in stored
    fresh = SellerProfile.objects.get(pk=profile.pk)
    assert (fresh.webhook_url, fresh.webhook_secret) == (URL, SECRET)


def test_a_sealed_webhook_moved_to_another_seller_does_not_open(profile):
    other = SellerProfile.objects.create(user=user_make("seller_x"))
    SellerProfile.objects.filter(pk=other.pk).update(webhook_sealed=profile.webhook_sealed,
                                                     webhook_key_id=profile.webhook_key_id)
    moved = SellerProfile.objects.get(pk=other.pk)
    with pytest.raises(CredentialsError, match="could not be decrypted"):
        assert moved.webhook_url


def test_key_rotation_reseals_webhooks_too(profile, settings):
    old = settings.BOOMER_SECRET_KEY_ENCRYPTION
    new = b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION, settings.BOOMER_SECRET_KEY_ENCRYPTION_OLD = new, [old]
    assert webhooks_reencrypt() == (1, [])
    assert webhooks_reencrypt() == (0, [])
    settings.BOOMER_SECRET_KEY_ENCRYPTION, settings.BOOMER_SECRET_KEY_ENCRYPTION_OLD = new, []  # the old key dropped
    assert SellerProfile.objects.get(pk=profile.pk).webhook_url == URL


def test_the_admin_never_shows_them_and_an_empty_field_keeps_them(profile, admin_client):
    page = reverse("admin:notifications_sellerprofile_change", args=[profile.pk])
    html = admin_client.get(page).content.decode()
    assert "hooks.example.com" not in html and SECRET not in html and "set (sealed)" in html
    listing = admin_client.get(reverse("admin:notifications_sellerprofile_changelist")).content.decode()
    assert "hooks.example.com" not in listing

    form = {"user": profile.user_id, "new_webhook_url": "", "new_webhook_secret": "", "country": "US"}
    assert admin_client.post(page, form).status_code == 302
    kept = SellerProfile.objects.get(pk=profile.pk)
    assert (kept.webhook_url, kept.webhook_secret, kept.country) == (URL, SECRET, "US")

    admin_client.post(page, {**form, "new_webhook_url": "https://hooks.example.com/v2"})
    assert SellerProfile.objects.get(pk=profile.pk).webhook_url == "https://hooks.example.com/v2"
    assert SellerProfile.objects.get(pk=profile.pk).webhook_secret == SECRET

    admin_client.post(page, {**form, "webhook_remove": "on"})
    assert not SellerProfile.objects.get(pk=profile.pk).webhook_sealed


def test_rotate_encryption_key_reseals_the_webhooks_too(profile, settings):
    old, new = settings.BOOMER_SECRET_KEY_ENCRYPTION, b64key()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = f"{new},{old}"  # newest first, the old one still opens
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "1 notifications row(s) re-encrypted" in out.getvalue()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = new
    assert SellerProfile.objects.get(pk=profile.pk).webhook_secret == SECRET
