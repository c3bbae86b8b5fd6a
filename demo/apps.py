from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for `make run` (`manage.py seed_demo`): the one place that seeds every app, so it sits above all of
    them in the layers contract (pyproject.toml)."""

    name = "demo"
    verbose_name = _("Demo data")
