from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"

    def ready(self):
        # Imported here: the models behind the gauges need the app registry ready.
        from boomer_site.metrics import metrics_source_register
        from products.metrics import products_by_stage

        metrics_source_register(products_by_stage)
