"""The nightly snapshots of composition, statistics and ageing (DOMAIN §10.1, §10.2, §10.7; issue 11's speed at a
million customers): a reader of every dossier who asks for no particular day sees the figures of yesterday, the
same figures the report computes as of that day, and is told so; everyone else is answered live."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from analytics.scope import AnalysisScope
from analytics.selectors.ageing import GROUPS, ageing
from analytics.selectors.behaviour import TOPICS, behaviour
from analytics.selectors.composition import BY, composition
from analytics.selectors.pareto import pareto
from analytics.services import report_snapshots_refresh
from tests.analytics.conftest import TODAY, order
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
YESTERDAY = TODAY - timedelta(days=1)


def _latest(user, **kwargs) -> AnalysisScope:
    """The scope of a page or call with no ``as_of``."""
    return AnalysisScope(user=user, as_of=TODAY, today=TODAY, latest=True, **kwargs)


def _as_of(user, day) -> AnalysisScope:
    return AnalysisScope(user=user, as_of=day, today=TODAY)


REPORTS = [
    *((f"composition by {by}", lambda scope, by=by: composition(scope=scope, by=by)) for by in BY),
    ("pareto", lambda scope: pareto(scope=scope)),
    *((f"ageing by {group}", lambda scope, group=group: ageing(scope=scope, group=group)) for group in GROUPS),
    *((f"behaviour {topic}", lambda scope, topic=topic: behaviour(scope=scope, topic=topic)) for topic in TOPICS),
]


@pytest.mark.parametrize(("name", "report"), REPORTS, ids=[name for name, _report in REPORTS])
def test_the_nightly_figures_are_the_report_as_of_yesterday(portfolio, name, report):
    order(portfolio.customers["D"], portfolio.erp, 5_000, days_ago=200)  # over 90 days past due: every bucket has work
    report_snapshots_refresh(today=TODAY)
    order(portfolio.customers["C"], portfolio.erp, 90_000, days_ago=0)  # today's order: not in yesterday's figures
    nightly = report(_latest(portfolio.manager))
    live = report(_as_of(portfolio.manager, YESTERDAY))
    assert nightly.snapshot_of == YESTERDAY
    assert nightly.as_json() == live.as_json()
    assert nightly.as_json()["as_of"] == YESTERDAY
    assert [column.label for column in nightly.table().columns] == [column.label for column in live.table().columns]


def test_a_rep_a_filter_or_a_chosen_day_is_answered_live(portfolio):
    report_snapshots_refresh(today=TODAY)
    order(portfolio.customers["C"], portfolio.erp, 90_000, days_ago=0)
    for scope in (
        _latest(portfolio.rep),
        _latest(portfolio.manager, owner=portfolio.rep.username),
        _latest(portfolio.manager, region="Zhejiang"),
        _as_of(portfolio.manager, TODAY),
    ):
        tiers = composition(scope=scope, by="tier")
        assert (tiers.snapshot_of, tiers.as_of) == (None, TODAY)
    assert composition(scope=_as_of(portfolio.manager, TODAY), by="tier").amount == Decimal("690000.00")


def test_a_snapshot_older_than_yesterday_is_not_shown(portfolio):
    report_snapshots_refresh(today=TODAY - timedelta(days=1))  # last night's job did not run
    report = ageing(scope=_latest(portfolio.manager), group="none")
    assert (report.snapshot_of, report.as_of) == (None, TODAY)


def test_a_second_run_replaces_the_first(portfolio):
    first = report_snapshots_refresh(today=TODAY)
    order(portfolio.customers["D"], portfolio.erp, 7_000, days_ago=3)
    assert report_snapshots_refresh(today=TODAY) == first
    tiers = composition(scope=_latest(portfolio.manager), by="tier")
    assert tiers.amount == composition(scope=_as_of(portfolio.manager, YESTERDAY), by="tier").amount


@pytest.mark.parametrize(
    "name", ["analytics_composition", "analytics_pareto", "analytics_ageing", "analytics_behaviour"]
)
def test_the_page_says_its_figures_are_of_yesterday_and_nightly(portfolio, client_for, name):
    report_snapshots_refresh(today=TODAY)
    html = client_for(portfolio.manager).get(reverse(name)).content.decode()
    assert f"Figures as of {YESTERDAY:%Y-%m-%d}, computed nightly over every customer." in html
    chosen = client_for(portfolio.manager).get(reverse(name), {"as_of": TODAY.isoformat()}).content.decode()
    assert 'data-testid="nightly-stamp"' not in chosen


@pytest.mark.parametrize("name", ["analytics_composition", "analytics_pareto", "analytics_ageing"])
def test_the_nightly_pages_run_a_constant_number_of_queries(portfolio, client_for, django_assert_max_num_queries, name):
    report_snapshots_refresh(today=TODAY)
    client = client_for(portfolio.manager)
    client.get(reverse(name))
    with django_assert_max_num_queries(12):
        assert client.get(reverse(name)).status_code == 200
    for index in range(6):
        extra = make_customer(owner=portfolio.rep, name=f"Extra {index}", region=f"R{index}")
        order(extra, portfolio.erp, 1_000 + index, days_ago=35 * index + 2)
    report_snapshots_refresh(today=TODAY)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(name)).status_code == 200


def test_the_api_answers_the_nightly_day_and_names_its_file_after_it(portfolio, api_for):
    report_snapshots_refresh(today=TODAY)
    client = api_for(portfolio.manager)
    assert client.get("/api/v1/analytics/pareto/").json()["as_of"] == YESTERDAY.isoformat()
    exported = client.get("/api/v1/analytics/ageing/", {"group": "owner", "format": "csv"})
    assert f'filename="ageing-{YESTERDAY}.csv"' in exported["Content-Disposition"]
    chosen = client.get("/api/v1/analytics/pareto/", {"as_of": TODAY.isoformat(), "format": "csv"})
    assert f'filename="pareto-{TODAY}.csv"' in chosen["Content-Disposition"]
