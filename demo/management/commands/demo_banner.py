"""The last thing `make run` prints: where to open the app and who to sign in as, once the web server answers.

`make run` starts the web server, the Celery worker and beat in the background and runs this in the foreground: it
waits until ``/healthz`` answers, then prints the banner, so the newcomer's screen ends with the URL and the logins
and not with start-up noise."""

import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from crm import roles
from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


def server_answers(url: str) -> bool:
    """True when the server at ``url`` answers at all (``/healthz`` answers 503 while a dependency is down)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (the URL is ours: http://HOST:PORT/healthz)
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


class Command(BaseCommand):
    help = "Wait until the web server answers /healthz, then print its URL and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the web server listens")
        parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for /healthz")

    def handle(self, *args, url: str, timeout: float, **options):
        url = url.rstrip("/") + "/"
        deadline = time.monotonic() + timeout
        while not server_answers(f"{url}healthz"):
            if time.monotonic() > deadline:
                self.stderr.write(f"The web server did not answer {url}healthz within {timeout:g} s; see above.")
                return
            time.sleep(0.5)
        width = 64
        lines = [
            "",
            "=" * width,
            f"  Dossier CRM is running:  {url}",
            f"  Sign in with a demo login (password: {DEMO_PASSWORD}):",
            *(f"    {username:<12} {roles.ROLE_LABELS[role]!s:<26} {name}" for username, name, role in DEMO_USERS),
            f"    {'admin':<12} {'Superuser (Django admin)':<26}",
            *self._mail_line(),
            "  Ctrl-C stops the web server, the Celery worker and beat (logs in var/log/).",
            "=" * width,
            "",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def _mail_line(self) -> list[str]:
        if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
            return []
        return [f"  E-mails (reminder digests) are written to {settings.EMAIL_FILE_PATH}/ (EMAIL_BACKEND sends them)."]
