import pytest


@pytest.mark.django_db
def test_healthz_and_readyz_answer(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_readyz_says_which_dependency_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["redis"].startswith("error") and ready.json()["database"] == "ok"


@pytest.mark.django_db
def test_metrics_report_products_by_stage_and_queues(client, owner):
    from products.models import Product

    Product.objects.create(owner=owner, sku="M-1")
    body = client.get("/metrics").content.decode()
    assert 'boomer_products_by_stage{stage="DROPPED"} 1.0' in body
    assert 'boomer_queue_length{queue="vision"}' in body
    assert 'boomer_breaker_state{name="ebay"} 0.0' in body
    assert "boomer_dead_letters_total 0.0" in body
