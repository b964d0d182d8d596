from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = "Market intelligence"

    def ready(self):
        # Imported here: the models behind the gauge need the app registry ready.
        from boomer_site.metrics import metrics_source_register
        from market.metrics import price_accuracy

        metrics_source_register(price_accuracy)
