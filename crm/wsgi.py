import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
application = get_wsgi_application()
# Move everything loaded at startup (Django, the apps, the URLconf) out of the cyclic collector's reach:
# otherwise each full collection rescans it, ~90 ms in the middle of a 1,000-record bulk upsert.
gc.freeze()
