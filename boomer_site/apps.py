from django.apps import AppConfig


class BoomerSiteConfig(AppConfig):
    name = "boomer_site"
    verbose_name = "Operations"

    def ready(self):
        from boomer_site.metrics import metrics_register

        metrics_register()
