"""Register BOOMER's notification endpoint with eBay once per app: the alert e-mail (eBay writes
to it when deliveries fail) and the destination for EBAY_NOTIFICATION_ENDPOINT. Run again, it
finds the destination and changes nothing. Sellers are subscribed when they connect."""
from django.core.management.base import BaseCommand, CommandError

from marketplaces.adapters.base import AdapterError
from marketplaces.ebay_subscriptions import destination_ensure


class Command(BaseCommand):
    help = ("Create the eBay app's notification destination (EBAY_NOTIFICATION_ENDPOINT, EBAY_VERIFICATION_TOKEN) "
            "unless eBay lists it already; --alert-email sets the app's alert config first.")

    def add_arguments(self, parser):
        parser.add_argument("--alert-email", default="", help="where eBay writes when notifications cannot be delivered")

    def handle(self, *args, alert_email="", **options):
        try:
            report = destination_ensure(alert_email=alert_email)
        except AdapterError as exc:
            raise CommandError(f"eBay's notifications could not be set up: {exc.message}") from None
        if report.alert_email_set:
            self.stdout.write(f"alert e-mail set to {alert_email}")
        verb = "created" if report.created else "already there"
        self.stdout.write(f"destination {report.destination_id}: {verb}")
