"""What `make run` does before starting the processes: migrate, make sure an admin account and
the inbox exist, and say where to log in."""
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, create the admin account if none exists, create the inbox; print URL and credentials."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port, **options):
        call_command("migrate", interactive=False, verbosity=0)
        settings.BOOMER_INBOX.mkdir(parents=True, exist_ok=True)
        username, password = self._admin()
        db = settings.DATABASES["default"]
        where = f"embedded PostgreSQL at {db['HOST']}" if str(db.get("HOST", "")).startswith("/") else f"PostgreSQL at {db.get('HOST')}"
        self.stdout.write(self.style.SUCCESS("\nBOOMER is starting"))
        self.stdout.write(f"  admin     http://127.0.0.1:{port}/admin/")
        self.stdout.write(f"  user      {username}")
        self.stdout.write(f"  password  {password}")
        self.stdout.write(f"  inbox     {settings.BOOMER_INBOX}  (drop photos here)")
        self.stdout.write("  flower    http://127.0.0.1:5555/")
        self.stdout.write(f"  database  {where}; redis {settings.REDIS_BASE_URL}\n")

    def _admin(self):
        """The admin account: BOOMER_ADMIN_PASSWORD if set, else a generated one kept in var/."""
        User = get_user_model()
        username = settings.BOOMER_INBOX_OWNER
        secret_file = settings.VAR_DIR / "admin_password"
        wanted = os.environ.get("BOOMER_ADMIN_PASSWORD", "")
        user = User.objects.filter(username=username).first() or User(username=username, email=f"{username}@localhost")
        known = secret_file.read_text().strip() if secret_file.exists() else ""
        password = wanted or known
        if not password or not user.pk or not user.check_password(password):
            password = wanted or (known if known and not user.pk else "") or secrets.token_urlsafe(12)
            user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        secret_file.write_text(password)
        secret_file.chmod(0o600)
        return username, password
