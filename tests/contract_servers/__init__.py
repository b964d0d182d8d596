"""Local servers that speak each marketplace's contract, with fault injection (base.py).

In a test: `with EbayServer() as server: settings.EBAY_API_URL = server.url` — or use the
`ebay_server` / `facebook_server` / `mercari_server` fixtures in tests/marketplaces/conftest.py.
"""
from .base import ContractServer, Faults  # noqa: F401
from .ebay import EbayServer  # noqa: F401
from .facebook import FacebookServer  # noqa: F401
from .mercari import MercariServer  # noqa: F401
