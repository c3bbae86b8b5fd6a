import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_asgi_application()

from crm.startup import freeze_startup  # noqa: E402 - after the settings are set up

freeze_startup()
