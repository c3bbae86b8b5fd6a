"""The analysis panel of the credit manager's start page (issue 14): customers with receivables over 90 days past
due (DOMAIN §10.7), linked to the same drill-down the ageing page opens."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from crm.dashboards import Panel, Tile, Windows, list_url

OVER_90 = ageing_selectors.SEPARATOR.join(("none", "", "over_90"))  # every customer in scope, bucket over 90 days


def receivables_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """How many customers owe money more than 90 days past its due date, today."""
    scope = AnalysisScope(user=user, as_of=today, today=today)
    count = ageing_selectors.ageing_debtors(scope=scope, key=OVER_90).count()
    url = list_url("analytics_customers", report="ageing", key=OVER_90)
    tiles = (
        Tile("ageing-over-90", _("Customers with receivables over 90 days"), count, url,
             _("Nobody owes us anything more than 90 days past due.")),
    )  # fmt: skip
    return Panel("receivables", _("Receivables"), tiles)
