"""The marketplaces' contract servers and their fixtures, for listing services that call adapters."""
from tests.marketplaces.conftest import (  # noqa: F401 - fixtures
    facebook_server,
    mercari_credentials,
    mercari_server,
    photo,
)
