"""Products per lifecycle stage, for /metrics (registered in ProductsConfig.ready)."""
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from products.models import Product, Stage


def products_by_stage():
    stages = GaugeMetricFamily("boomer_products_by_stage", "Products per lifecycle stage", labels=["stage"])
    counts = dict(Product.objects.values_list("stage").annotate(n=Count("id")))
    for stage in Stage.values:
        stages.add_metric([stage], counts.get(stage, 0))
    yield stages
