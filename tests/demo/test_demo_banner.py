"""`make run` ends with the banner (issue 14 point 9): `manage.py demo_banner` waits for /healthz, then prints the URL
and the demo logins; unconfigured e-mail goes to files under var/mail/, not to the console."""

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS


class _Degraded(BaseHTTPRequestHandler):
    """A web server whose /healthz answers 503 (a dependency down): it is up, so the banner may show."""

    def do_GET(self):
        self.send_response(503 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Degraded)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_banner_names_the_url_and_every_demo_login_once_the_server_answers(server):
    out = StringIO()
    call_command("demo_banner", url=server, timeout=10, stdout=out)
    banner = out.getvalue()
    assert f"Dossier CRM is running:  {server}/" in banner
    assert f"password: {DEMO_PASSWORD}" in banner
    for username, _name, _role in DEMO_USERS:
        assert f"    {username} " in banner
    assert "admin" in banner


def test_no_banner_while_nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out, err = StringIO(), StringIO()
    call_command("demo_banner", url=f"http://127.0.0.1:{port}/", timeout=1, stdout=out, stderr=err)
    assert "running" not in out.getvalue()
    assert f"did not answer http://127.0.0.1:{port}/healthz" in err.getvalue()


def test_unconfigured_e_mail_is_written_to_files_under_var():
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"
    result = subprocess.run(  # noqa: S603 (our interpreter, our settings)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "crm.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    backend, path = result.stdout.split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert path == str(settings.BASE_DIR / "var" / "mail")
