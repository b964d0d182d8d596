"""Connecting an account in the admin stores the secrets encrypted and never shows them again."""
import pytest
from django.db import connection

from marketplaces.credentials import account_secrets
from marketplaces.models import MarketplaceAccount
from tests.factories import user_make

pytestmark = pytest.mark.django_db


def test_admin_connects_an_account_without_ever_showing_the_secret(client, owner):
    admin = user_make("root", role=None, staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/marketplaces/marketplaceaccount/add/", {
        "owner": owner.pk, "platform": "facebook", "label": "shop",
        "secrets": '{"access_token": "EAAB-very-secret", "catalog_id": "123"}'})
    assert response.status_code == 302, response.content[:2000]
    account = MarketplaceAccount.objects.get()
    assert account_secrets(account) == {"access_token": "EAAB-very-secret", "catalog_id": "123"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM marketplaces_marketplaceaccount")
        assert b"EAAB-very-secret" not in bytes(cursor.fetchone()[0])
    page = client.get(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/").content.decode()
    assert "EAAB-very-secret" not in page
    # Saving without secrets keeps them.
    client.post(f"/admin/marketplaces/marketplaceaccount/{account.pk}/change/", {"label": "main shop", "secrets": ""})
    account.refresh_from_db()
    assert account.label == "main shop" and account_secrets(account)["access_token"] == "EAAB-very-secret"
