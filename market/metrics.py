"""The recommendations' accuracy for /metrics (registered in MarketConfig.ready)."""
from prometheus_client.core import GaugeMetricFamily

from market.accuracy import mdape


def price_accuracy():
    gauge = GaugeMetricFamily("boomer_price_mdape", "Median absolute percentage error of recommended vs sold prices",
                              labels=["category"])
    for category, figures in mdape("category").items():
        gauge.add_metric([category], figures["mdape"])
    yield gauge
