"""Re-encrypt every stored marketplace credential under a new key."""
import base64
import os

from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand
from marketplaces.credentials import CredentialsError, current_key, key_rotate


class Command(DatabaseCommand):
    help = ("Re-encrypt credentials: --old KEY (default: the current key) --new KEY (default: a new random key, "
            "printed once so you can set BOOMER_SECRET_KEY_ENCRYPTION). Keys are base64 of 32 bytes.")

    def add_arguments(self, parser):
        parser.add_argument("--old", help="the key the rows are sealed with now (base64)")
        parser.add_argument("--new", help="the key to seal them with (base64)")

    def handle(self, *args, old=None, new=None, **options):
        old_key = old or base64.b64encode(current_key()).decode()
        generated = new is None
        new_key = new or base64.b64encode(os.urandom(32)).decode()
        try:
            count = key_rotate(old_key=old_key, new_key=new_key)
        except CredentialsError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"{count} account(s) re-encrypted")
        if generated:
            self.stdout.write("new key (set it as BOOMER_SECRET_KEY_ENCRYPTION now; it is not stored anywhere):")
            self.stdout.write(new_key)
