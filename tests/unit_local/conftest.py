"""Fixtures for the offline-analysis unit tests. Deliberately Django-free: these
tests only exercise the pure-Python package agents.local."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # also works under --import-mode=importlib
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.photos import make_product_photo  # noqa: E402

LABEL = "SONY WH-1000XM4 Wireless Headphones"
EAN13 = "4006381333931"


@pytest.fixture(scope="session")
def sharp_photo_bytes() -> bytes:
    return make_product_photo(None, label=LABEL, ean13=EAN13)


@pytest.fixture(scope="session")
def blurred_photo_bytes() -> bytes:
    return make_product_photo(None, label=LABEL, ean13=EAN13, blur=6)
