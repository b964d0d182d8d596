"""The fault controls of the contract servers, over HTTP as another process would use them."""
from __future__ import annotations

import time

import requests

from tests.contract_servers import EbayServer


def test_control_api_injects_and_resets_faults():
    with EbayServer() as server:
        control = f"{server.url}/__control__"
        requests.post(control, json={"fail_next": 1, "status": 503}, timeout=2)
        assert requests.get(f"{server.url}/sell/inventory/v1/offer", timeout=2).status_code == 503
        assert requests.get(f"{server.url}/sell/inventory/v1/offer", timeout=2).status_code == 401  # no token

        requests.post(control, json={"rate_limit_next": 1, "retry_after": 4}, timeout=2)
        answer = requests.get(f"{server.url}/sell/inventory/v1/offer", timeout=2)
        assert answer.status_code == 429 and answer.headers["Retry-After"] == "4"
        assert answer.json()["errors"][0]["errorId"] == 2001

        requests.post(control, json={"delay_ms": 200}, timeout=2)
        started = time.monotonic()
        requests.get(f"{server.url}/sell/inventory/v1/offer", timeout=2)
        assert time.monotonic() - started >= 0.2

        requests.post(control, json={"reset": True}, timeout=2)
        assert server.faults.delay_ms == 0 and not server.faults.down
