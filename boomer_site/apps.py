from django.apps import AppConfig


class BoomerSiteConfig(AppConfig):
    name = "boomer_site"
    verbose_name = "Operations"
