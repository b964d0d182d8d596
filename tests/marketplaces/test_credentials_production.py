"""Production never derives the credentials key from SECRET_KEY (issue 13 item 1): whoever knows
SECRET_KEY must not read a database dump's marketplace secrets."""
from __future__ import annotations

import base64
import os

import pytest

from marketplaces.credentials import CredentialsError, account_save, account_secrets
from marketplaces.models import MarketplaceAccount

SECRETS = {"client_id": "boomer-app", "client_secret": "cs-4f9a-very-secret", "refresh_token": "rt-secret-xyz-123"}


@pytest.mark.django_db
def test_without_its_own_key_production_seals_nothing(owner, settings):
    settings.BOOMER_ENCRYPTION_KEY_DERIVED = False
    settings.BOOMER_SECRET_KEY_ENCRYPTION = ""
    with pytest.raises(CredentialsError, match="BOOMER_SECRET_KEY_ENCRYPTION is not set"):
        account_save(owner=owner, platform="ebay", secrets=SECRETS)
    assert not MarketplaceAccount.objects.filter(owner=owner).exists()


@pytest.mark.django_db
def test_a_row_sealed_with_the_derived_key_does_not_open_in_production(owner, settings):
    settings.BOOMER_SECRET_KEY_ENCRYPTION = ""  # a developer's checkout: the derived key
    account = account_save(owner=owner, platform="ebay", secrets=SECRETS)
    settings.BOOMER_ENCRYPTION_KEY_DERIVED = False
    settings.BOOMER_SECRET_KEY_ENCRYPTION = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(CredentialsError, match="unknown key"):
        account_secrets(MarketplaceAccount.objects.get(pk=account.pk))
