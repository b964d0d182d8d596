from django.apps import AppConfig


class MarketplacesConfig(AppConfig):
    name = "marketplaces"

    def ready(self):
        # Imported here: the models behind the gauges need the app registry ready.
        from boomer_site.metrics import metrics_source_register
        from marketplaces.metrics import breaker_states

        metrics_source_register(breaker_states)
