"""Store a seller's marketplace credentials, encrypted (AES-256-GCM), and for eBay set the
account up (who the seller is, business policies, inventory location).

Secrets can come from a file (--secrets-file) or a prompt without echo, so they need not be
on the command line, where `ps` shows them to every user of the machine; never printed."""
import getpass
import json

from django.conf import settings
from django.core.management.base import CommandError

from boomer_site.commands import DatabaseCommand, command_user
from marketplaces.adapters.base import AdapterError
from marketplaces.credentials import account_save
from marketplaces.ebay_account import Address
from marketplaces.ebay_setup import ebay_account_connect
from marketplaces.platforms import PLATFORMS

ADDRESS_FIELDS = ("postal_code", "country", "address_line1", "city", "state_or_province")


def read_secrets_file(path: str) -> dict:
    """JSON {"name": "value"}, or lines of NAME=VALUE (blank lines and # comments skipped)."""
    try:
        with open(path) as handle:
            text = handle.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
        return {str(k): v for k, v in value.items()}
    secrets = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"{path} line {number}: expected NAME=VALUE")
        secrets[name.strip()] = value.strip()
    return secrets


class Command(DatabaseCommand):
    help = ("Connect a seller's marketplace account: manage.py connect_marketplace ebay --user alice "
            "--secrets-file ./ebay.secrets [--set postal_code=94107 --set country=US]. "
            "Secrets given with --set are visible to other users in `ps` while the command runs: prefer "
            "--secrets-file (JSON or NAME=VALUE lines) or let the command prompt for them (no echo). "
            "eBay: the app keys come from EBAY_CLIENT_ID / EBAY_CLIENT_SECRET; the seller's refresh_token is "
            "asked for, then the business policies are read and the inventory location is created from the "
            "seller profile's address or postal_code/country.")

    def add_arguments(self, parser):
        parser.add_argument("platform", choices=sorted(PLATFORMS))
        parser.add_argument("--user", required=True, help="the seller's username")
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                            help="one value; repeat (e.g. postal_code, country, category_id). Shown by `ps`: "
                                 "put secrets in --secrets-file or let the command prompt")
        parser.add_argument("--secrets-file", "--from-json", dest="secrets_file", metavar="PATH",
                            help="a file of secrets: JSON or NAME=VALUE lines (keep it readable only by you)")
        parser.add_argument("--label", default="")
        parser.add_argument("--no-input", action="store_true", help="never prompt for a missing value")
        parser.add_argument("--no-setup", action="store_true",
                            help="eBay: only store the values (offline); the policies and location are not read")

    def handle(self, *args, platform, user, set, secrets_file, label, no_input, no_setup, **options):
        owner = command_user(user)
        secrets = read_secrets_file(secrets_file) if secrets_file else {}
        for item in set:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(f"--set takes NAME=VALUE, got {name!r}")
            secrets[name.strip()] = value
        for name in self._needed(platform):
            if not secrets.get(name):
                if no_input:
                    raise CommandError(f"{platform} needs {name}")
                secrets[name] = getpass.getpass(f"{platform} {name}: ")
        if platform == "ebay" and not no_setup:
            return self._connect_ebay(owner, user, secrets, label)
        account = account_save(owner=owner, platform=platform, secrets=secrets, label=label)
        self.stdout.write(f"{platform} connected for {user} ({len(secrets)} value(s) stored encrypted, "
                          f"key {account.key_id[:8]}…)")

    @staticmethod
    def _needed(platform: str) -> tuple[str, ...]:
        names = PLATFORMS[platform].credentials
        if platform == "ebay" and settings.EBAY_CLIENT_ID and settings.EBAY_CLIENT_SECRET:
            names = tuple(n for n in names if n not in ("client_id", "client_secret"))  # the operator's app
        return names

    def _connect_ebay(self, owner, user: str, secrets: dict, label: str) -> None:
        given = {name: str(secrets.pop(name)) for name in ADDRESS_FIELDS if secrets.get(name)}
        address = Address(**given) if given.get("postal_code") and given.get("country") else None
        refresh_token = secrets.pop("refresh_token")
        try:
            account, report = ebay_account_connect(owner=owner, refresh_token=refresh_token, address=address,
                                                   label=label, extra=secrets)
        except AdapterError as exc:
            raise CommandError(f"eBay was not connected: {exc.message}") from None
        chosen = ", ".join(f"{kind} {pid}" for kind, pid in report.chosen.items()) or "none yet"
        location = (f"{report.location_key} ({'created' if report.location_created else 'already there'})"
                    if report.location_key else "none yet")
        self.stdout.write(f"ebay connected for {user} as eBay user {report.username} (stored encrypted, key "
                          f"{account.key_id[:8]}…); policies: {chosen}; location: {location}")
        for item in report.todo:
            self.stderr.write(f"still to do: {item}")
