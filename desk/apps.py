from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The interface: the review desk (admin), the REST API and its rules of access."""

    name = "desk"
    verbose_name = "Review desk"
