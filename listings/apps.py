from django.apps import AppConfig


class ListingsConfig(AppConfig):
    name = "listings"

    def ready(self):
        from listings import signals  # noqa: F401
