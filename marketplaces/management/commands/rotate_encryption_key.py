"""Rotate the key that seals marketplace credentials without a window where workers cannot read
them: --generate prints a new key to add (newest first) to BOOMER_SECRET_KEY_ENCRYPTION on every
process; once that is deployed, the command without options re-seals every row under it."""
import base64
import os

from django.apps import apps
from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand
from marketplaces.credentials import CredentialsError, credentials_reencrypt, current_key, key_id


class Command(DatabaseCommand):
    help = ("Re-seal every stored marketplace credential under the newest key of BOOMER_SECRET_KEY_ENCRYPTION "
            "(a comma-separated list, newest first; every listed key still decrypts). --generate: print a new "
            "key and the steps, change nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="print a new random key (base64 of 32 bytes)")

    def handle(self, *args, generate=False, **options):
        if generate:
            self.stdout.write(base64.b64encode(os.urandom(32)).decode())
            self.stdout.write("Put it FIRST in BOOMER_SECRET_KEY_ENCRYPTION (comma-separated, keep the old key after it) "
                              "on every process, then run rotate_encryption_key again to re-seal the credentials.")
            return
        try:
            newest = key_id(current_key()).hex()
            moved, unreadable = credentials_reencrypt()
            # Other apps' rows sealed with the same key (a seller's webhook), by their AppConfig's hook.
            for config in apps.get_app_configs():
                if hasattr(config, "sealed_rows_reencrypt"):
                    more, lost = config.sealed_rows_reencrypt()
                    self.stdout.write(f"{more} {config.label} row(s) re-encrypted")
                    unreadable += [f"{config.label}:{pk}" for pk in lost]
        except CredentialsError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"{moved} account(s) re-encrypted under key {newest}")
        if unreadable:
            raise CommandError(f"{len(unreadable)} account(s) sealed with a key not in BOOMER_SECRET_KEY_ENCRYPTION "
                               f"(ids {', '.join(map(str, unreadable))}): add that key and run again, or reconnect them")
        self.stdout.write("every account is on the newest key: older keys can now be removed from the environment")
