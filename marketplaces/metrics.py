"""Circuit breaker states per marketplace, for /metrics (registered in MarketplacesConfig.ready)."""
from prometheus_client.core import GaugeMetricFamily

from marketplaces.breakers import breaker_state
from marketplaces.platforms import MARKETPLACES

BREAKER_STATES = {"closed": 0, "half-open": 1, "open": 2}


def breaker_states():
    breakers = GaugeMetricFamily("boomer_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open",
                                 labels=["name"])
    for name in MARKETPLACES:
        breakers.add_metric([name], BREAKER_STATES.get(breaker_state(name), 0))
    yield breakers
