from django.apps import AppConfig


class BoomerSiteConfig(AppConfig):
    name = "boomer_site"
    verbose_name = "Operations"

    def ready(self):
        # Imported here: models and signal receivers need the app registry ready.
        from boomer_site import audit, log_context, login_failures, tracing  # noqa: F401  (signal receivers)
        from boomer_site.metrics import metrics_register

        metrics_register()
