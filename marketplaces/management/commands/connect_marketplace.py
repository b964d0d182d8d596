"""Store a seller's marketplace credentials, encrypted (AES-256-GCM). Secrets are read from
--set NAME=VALUE, a JSON file, or prompted for without echo — never printed."""
import getpass
import json

from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand, command_user
from marketplaces.credentials import account_save
from marketplaces.platforms import PLATFORMS


class Command(DatabaseCommand):
    help = "Connect a seller's marketplace account: manage.py connect_marketplace ebay --user alice --set client_id=…"

    def add_arguments(self, parser):
        parser.add_argument("platform", choices=sorted(PLATFORMS))
        parser.add_argument("--user", required=True, help="the seller's username")
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                            help="one credential; repeat (others: e.g. fulfillment_policy_id, category_id)")
        parser.add_argument("--from-json", help="a JSON file holding the credentials")
        parser.add_argument("--label", default="")
        parser.add_argument("--no-input", action="store_true", help="never prompt for a missing value")

    def handle(self, *args, platform, user, set, from_json, label, no_input, **options):
        owner = command_user(user)
        secrets = {}
        if from_json:
            try:
                with open(from_json) as handle:
                    secrets.update(json.load(handle))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {from_json}: {exc}")
        for item in set:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(f"--set takes NAME=VALUE, got {name!r}")
            secrets[name.strip()] = value
        for name in PLATFORMS[platform].credentials:
            if not secrets.get(name):
                if no_input:
                    raise CommandError(f"{platform} needs {name}")
                secrets[name] = getpass.getpass(f"{platform} {name}: ")
        account = account_save(owner=owner, platform=platform, secrets=secrets, label=label)
        self.stdout.write(f"{platform} connected for {user} ({len(secrets)} value(s) stored encrypted, "
                          f"key {account.key_id[:8]}…)")
