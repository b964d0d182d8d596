from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"

    def ready(self):
        # Imported here: the models behind the gauges need the app registry ready.
        from boomer_site.metrics import metrics_source_register
        from listings.metrics import listings_by_status

        metrics_source_register(listings_by_status)
