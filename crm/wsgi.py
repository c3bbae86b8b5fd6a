import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()

from crm.startup import freeze_startup  # noqa: E402 - after the settings are set up

freeze_startup()
