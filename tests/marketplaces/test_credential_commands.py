"""connect_marketplace stores secrets encrypted; rotate_encryption_key re-seals them under a new key."""
import base64
import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount

pytestmark = pytest.mark.django_db


def test_connect_then_rotate(owner, settings):
    out = io.StringIO()
    call_command("connect_marketplace", "ebay", "--user", owner.username, "--no-input", "--no-setup",
                 "--set", "client_id=app-1", "--set", "client_secret=s3cr3t-client", "--set", "refresh_token=rt-XYZ",
                 stdout=out)
    assert "s3cr3t" not in out.getvalue() and "ebay connected" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM marketplaces_marketplaceaccount")
        raw = bytes(cursor.fetchone()[0])
    assert b"s3cr3t-client" not in raw and b"rt-XYZ" not in raw

    new_key = base64.b64encode(os.urandom(32)).decode()
    out = io.StringIO()
    call_command("rotate_encryption_key", "--new", new_key, stdout=out)
    assert "1 account(s) re-encrypted" in out.getvalue()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = new_key
    account = MarketplaceAccount.objects.get()
    assert account_secrets(account)["client_secret"] == "s3cr3t-client"
