"""A database created before the apps were layered (AnalyticsEvent, Notification and
SellerProfile in `listings`, MarketData in `marketplaces`) migrates to today's layout keeping
every row: the models moved, their tables did not."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from boomer_site.models import AnalyticsEvent
from boomer_site.models import DeadLetter as NewDeadLetter
from market.models import MarketData
from notifications.models import Notification, SellerProfile

# The last migrations of each app before the move (the layout the previous main shipped).
BEFORE = [("boomer_site", "0002_roles"), ("listings", "0003_approval_round"),
          ("marketplaces", "0003_market_data_name"), ("products", "0001_initial"),
          ("market", None), ("notifications", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_of_moved_models_survive_the_migration():
    executor = _migrate(BEFORE)
    old = executor.loader.project_state([t for t in BEFORE if t[1]]).apps
    User = old.get_model("auth", "User")
    seller = User.objects.create(username="before-the-move")
    product = old.get_model("products", "Product").objects.create(owner=seller, sku="BMR-MOVE1", name="Lamp")
    listing = old.get_model("listings", "Listing").objects.create(product=product, platform="ebay", title="Lamp")
    old.get_model("listings", "AnalyticsEvent").objects.create(
        event_type="product.stage", product=product, listing=listing, event_data={"to": "PENDING"})
    old.get_model("listings", "Notification").objects.create(
        owner=seller, product=product, kind="sold", event_key="sold:move", subject="Sold: Lamp", body="…")
    old.get_model("listings", "SellerProfile").objects.create(user=seller, webhook_url="https://seller.example/h")
    old.get_model("marketplaces", "MarketData").objects.create(
        product_hash="h-move", platform="ebay", pricing_stats={"count": 3, "median": 20}, expires_at=timezone.now())
    DeadLetter = old.get_model("boomer_site", "DeadLetter")
    DeadLetter.objects.create(task_name="marketplaces.publish", args=[listing.pk], error="down")
    DeadLetter.objects.create(task_name="agents.vision", args=[product.pk], error="photo missing")

    executor.loader.build_graph()
    _migrate(executor.loader.graph.leaf_nodes())

    event = AnalyticsEvent.objects.get(product__sku="BMR-MOVE1")
    assert (event.event_type, event.listing.title, event.event_data) == ("product.stage", "Lamp", {"to": "PENDING"})
    assert Notification.objects.get(event_key="sold:move").product.sku == "BMR-MOVE1"
    assert SellerProfile.objects.get(user__username="before-the-move").webhook_url == "https://seller.example/h"
    assert MarketData.objects.get(product_hash="h-move").pricing_stats["median"] == 20
    # Dead letters replay under the tasks' new names; a pipeline step replays as a retry.
    assert set(NewDeadLetter.objects.values_list("task_name", "replay_task")) == {
        ("listings.publish", ""), ("agents.vision", "agents.retry")}
    # The content types moved with the models: no stale ones left behind.
    labels = set(ContentType.objects.values_list("app_label", "model"))
    assert {("boomer_site", "analyticsevent"), ("notifications", "notification"), ("market", "marketdata")} <= labels
    assert not {("listings", "analyticsevent"), ("listings", "notification"), ("marketplaces", "marketdata")} & labels
