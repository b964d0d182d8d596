"""The fault controls of the contract servers, over HTTP as another process would use them."""
from __future__ import annotations

import time

import pytest
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


def _user_token(server) -> str:
    answer = requests.post(f"{server.url}/identity/v1/oauth2/token", auth=(server.client_id, server.client_secret),
                           data={"grant_type": "refresh_token", "refresh_token": server.refresh_token}, timeout=2)
    return answer.json()["access_token"]


def test_ebay_refuses_a_field_its_specification_does_not_define_and_remembers_it():
    with EbayServer() as server:
        headers = {"Authorization": f"Bearer {_user_token(server)}", "Content-Language": "en-US"}
        item = {"product": {"title": "Sony WH-1000XM4", "aspects": {"Brand": ["Sony"]}, "imageUrl": ["x"]},
                "condition": "USED_EXCELLENT", "availability": {"shipToLocationAvailability": {"quantity": 1}}}
        answer = requests.put(f"{server.url}/sell/inventory/v1/inventory_item/SKU-1", json=item, headers=headers,
                              timeout=2)

        assert answer.status_code == 400
        assert answer.json()["errors"][0]["parameters"] == [{"name": "product.imageUrl",
                                                             "value": "field not defined by eBay"}]
        assert server.contract_violations == ["PUT /sell/inventory/v1/inventory_item/SKU-1 "
                                              "(createOrReplaceInventoryItem): product.imageUrl: field not defined "
                                              "by eBay"]
        assert "SKU-1" not in server.inventory

        del item["product"]["imageUrl"]
        server.contract_violations.clear()
        missing_header = requests.put(f"{server.url}/sell/inventory/v1/inventory_item/SKU-1", json=item,
                                      headers={"Authorization": headers["Authorization"]}, timeout=2)
        assert missing_header.status_code == 400 and "Content-Language" in server.contract_violations[0]
        server.contract_violations.clear()

        ok = requests.put(f"{server.url}/sell/inventory/v1/inventory_item/SKU-1", json=item, headers=headers,
                          timeout=2)
        assert ok.status_code == 204 and server.contract_violations == []


def test_unknown_query_parameters_are_violations_on_every_ebay_api():
    with EbayServer() as server:
        token = _user_token(server)
        auth = {"Authorization": f"Bearer {token}"}
        orders = requests.get(f"{server.url}/sell/fulfillment/v1/order", params={"filtr": "x"}, headers=auth, timeout=2)
        tree = requests.get(f"{server.url}/commerce/taxonomy/v1/get_default_category_tree_id",
                            params={"marketplace": "EBAY_US"}, headers=auth, timeout=2)

        assert orders.status_code == 400 and tree.status_code == 400
        assert [v.rsplit(": ", 2)[-2] for v in server.contract_violations] == ["filtr", "marketplace"]


def test_without_ebays_specifications_the_server_refuses_to_start(monkeypatch, tmp_path):
    from tests.contract_servers import ebay_openapi

    monkeypatch.setenv("BOOMER_EBAY_OPENAPI_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match="BOOMER_EBAY_OPENAPI_DIR"):
        ebay_openapi.spec_dir()


def test_ebay_takes_an_aspect_value_up_to_the_aspects_own_max_length_65_by_default():
    from tests.contract_servers.ebay_taxonomy import publish_errors

    with EbayServer() as server:
        headers = {"Authorization": f"Bearer {_user_token(server)}", "Content-Language": "en-US"}
        model = "WH-1000XM4 Wireless Industry Leading Noise Canceling Overhead"  # 61 characters
        item = {"product": {"title": "Sony WH-1000XM4", "aspects": {"Brand": ["Sony"], "Model": [model],
                                                                    "Type": ["Over the Ear (Full-Size)"]}},
                "condition": "USED_EXCELLENT", "availability": {"shipToLocationAvailability": {"quantity": 1}}}
        answer = requests.put(f"{server.url}/sell/inventory/v1/inventory_item/SKU-65", json=item, headers=headers,
                              timeout=2)
        assert answer.status_code == 204 and server.contract_violations == []
        assert publish_errors(server, {"categoryId": "112529"}, item) == []

        item["product"]["aspects"]["Model"] = [model + " Headphones"]  # 72: over Model's aspectMaxLength 65
        refused = publish_errors(server, {"categoryId": "112529"}, item)
        assert [e["errorId"] for e in refused] == [25002]
        assert "Model has an invalid value. Enter a value of at most 65 characters" in refused[0]["message"]
