"""connect_marketplace stores secrets encrypted; rotate_encryption_key re-seals them under a new key."""
import base64
import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from marketplaces.credentials import account_save, account_secrets, current_key
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

    # Rotation: a new key first, put before the old one everywhere, then the rows re-sealed.
    out = io.StringIO()
    call_command("rotate_encryption_key", "--generate", stdout=out)
    new_key = out.getvalue().splitlines()[0]
    assert len(base64.b64decode(new_key)) == 32
    old_key = base64.b64encode(current_key()).decode()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = f"{new_key},{old_key}"
    out = io.StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "1 account(s) re-encrypted" in out.getvalue() and "older keys can now be removed" in out.getvalue()
    settings.BOOMER_SECRET_KEY_ENCRYPTION = new_key
    account = MarketplaceAccount.objects.get()
    assert account_secrets(account)["client_secret"] == "s3cr3t-client"


def test_rotate_names_the_rows_no_configured_key_opens(owner, settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = base64.b64encode(os.urandom(32)).decode()
    account_save(owner=owner, platform="ebay", secrets={"refresh_token": "rt"})
    settings.BOOMER_SECRET_KEY_ENCRYPTION = base64.b64encode(os.urandom(32)).decode()  # the old key lost
    with pytest.raises(CommandError, match="1 account"):
        call_command("rotate_encryption_key", stdout=io.StringIO())
