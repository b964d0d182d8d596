from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # Imported here: services need the app registry ready.
        from notifications.services import webhooks_reencrypt

        # Sellers' webhooks are sealed with the credentials key: rotate_encryption_key (in a lower
        # layer, which cannot import this app) re-seals them through this hook.
        self.sealed_rows_reencrypt = webhooks_reencrypt
