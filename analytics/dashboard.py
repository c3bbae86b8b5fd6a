"""The analysis panel of the credit manager's start page (issue 14): customers with receivables over 90 days past
due (DOMAIN §10.7), linked to the same drill-down the ageing page opens."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from analytics.scope import AnalysisScope
from analytics.selectors import ageing as ageing_selectors
from crm.dashboards import Panel, Tile, Windows, list_url

OVER_90 = ageing_selectors.SEPARATOR.join(("none", "", "over_90"))  # every customer in scope, bucket over 90 days


def over_90_count(*, user: AbstractBaseUser, today: date) -> int:
    """How many customers the user reads in full owe money more than 90 days past its due date, today: the rows of
    the ageing drill-down the tile opens."""
    scope = AnalysisScope(user=user, as_of=today, today=today)
    return ageing_selectors.ageing_debtors(scope=scope, key=OVER_90).count()


def over_90_tile(count: int | None) -> Tile:
    return Tile(
        "ageing-over-90",
        _("Customers with receivables over 90 days"),
        count,
        list_url("analytics_customers", report="ageing", key=OVER_90),
        _("Nobody owes us anything more than 90 days past due."),
        lazy_url="" if count is not None else list_url("dashboard_over_90"),
    )


def receivables_panel(*, user: AbstractBaseUser, today: date, windows: Windows) -> Panel:
    """Customers owing money more than 90 days past due (DOMAIN §10.7). The allocation behind it reads every
    debtor's open orders, seconds at a million customers, so the page counts it after it has loaded."""
    return Panel("receivables", _("Receivables"), (over_90_tile(None),))
