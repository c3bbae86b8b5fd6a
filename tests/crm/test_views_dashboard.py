"""Each role's start page (issue 14): its own working view, every count linked to a list that shows exactly that
many rows, a user with several roles sees each role's panels, empty states in words, and a constant number of
queries whatever the portfolio's size."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from crm import roles
from tests.crm import dashboard_world

pytestmark = pytest.mark.django_db

EXPECTED = {  # role user → tile → count in one round of the world
    "rep": {"my-customers": 3, "incomplete": 2, "stale": 1, "review-due": 1, "reorders": 1, "holds-mine": 1},
    "manager": {"team-reminders-overdue": 1, "handovers": 1},
    "service": {"complaints-open": 1},
    "analyst": {"assessments-due": 1, "reports-expiring": 1, "limit-requests-to-prepare": 1},
    "cm": {"approvals": 1, "holds": 1, "limits-expiring": 2, "ageing-over-90": 1},
    "archivist": {"borrowings-to-approve": 1, "borrowings-overdue": 1, "documents-expiring": 1},
}


def _tiles(response, client=None) -> dict:
    """The counts on the page; a count the page loads afterwards (``lazy_url``) fetched as the browser does."""
    tiles = {tile.key: tile for role in response.context["roles"] for panel in role.panels for tile in panel.tiles}
    for key, tile in tiles.items():
        if tile.lazy_url and client is not None:
            loaded = client.get(tile.lazy_url, headers={"HX-Request": "true"})
            assert f'data-testid="count-{key}"' in loaded.content.decode()
            tiles[key] = loaded.context["tile"]
    return tiles


def _listed(response) -> int:
    """How many rows the list behind a count shows (all of them, over every page)."""
    context = response.context
    if "queue" in context:  # the borrowings desk
        queue = context["queue"]
        return len(queue.requested) + len(queue.approved) + len(queue.lent)
    page = context["page"]
    return page.count.value if hasattr(page, "count") and hasattr(page.count, "value") else page.paginator.count


@pytest.fixture
def world(db):
    return dashboard_world.build()


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_its_counts_and_each_opens_a_list_of_that_many(who, world, client_for):
    client = client_for(world.users[who])
    tiles = _tiles(client.get(reverse("dashboard")), client)
    assert {key: tiles[key].count for key in EXPECTED[who]} == EXPECTED[who]
    for tile in tiles.values():
        response = client.get(tile.url)
        assert response.status_code == 200, tile.url
        assert _listed(response) == tile.count, (tile.key, tile.url)


def test_the_archivist_and_customer_service_no_longer_see_a_reps_view(world, client_for):
    for who in ("archivist", "service"):
        page = client_for(world.users[who]).get(reverse("dashboard")).content.decode()
        assert "My customers" not in page
        assert "All your dossiers are complete" not in page


def test_the_sales_manager_sees_the_team_per_owner_not_own_customers(world, client_for):
    response = client_for(world.users["manager"]).get(reverse("dashboard"))
    team = next(panel for role in response.context["roles"] for panel in role.panels if panel.key == "team")
    rows = {row["owner"].username: row for row in team.rows}
    assert (rows["rep"]["owner"].dossiers, rows["rep"]["owner"].stale, rows["rep"]["owner"].incomplete) == (3, 1, 2)
    assert rows["rep2"]["reminders_overdue"] == 1
    page = response.content.decode()
    assert "My customers" not in page
    client = client_for(world.users["manager"])
    stale_list = client.get(f"{reverse('customer_list')}?owner=rep&stale=1")
    assert _listed(stale_list) == 1
    overdue = client.get(f"{reverse('reminders')}?team=1&overdue=1&recipient=rep2")
    assert [r.message for r in overdue.context["page"]] == ["Review overdue"]


def test_a_rep_cannot_read_the_teams_reminders(world, client_for):
    response = client_for(world.users["rep"]).get(f"{reverse('reminders')}?team=1&kind=review_overdue")
    assert _listed(response) == 0  # rep2's overdue reminder stays rep2's


def test_the_credit_manager_opens_a_tier_grade_cell(world, client_for):
    client = client_for(world.users["cm"])
    credit = next(p for r in client.get(reverse("dashboard")).context["roles"] for p in r.panels if p.rows)
    count, url = credit.rows[0][1][0]  # tier A × grade 甲
    assert count == 2
    assert _listed(client.get(url)) == 2


def test_a_user_with_several_roles_sees_each_roles_panels(world, client_for):
    both = world.users["analyst"]
    both.groups.add(Group.objects.get(name=roles.ARCHIVIST))
    response = client_for(both).get(reverse("dashboard"))
    assert [role.role for role in response.context["roles"]] == [roles.CREDIT_ANALYST, roles.ARCHIVIST]
    page = response.content.decode()
    assert "Credit analyst" in page
    assert "Archivist" in page


def test_empty_states_speak_in_words(make_user, client_for):
    archivist = make_user(roles.ARCHIVIST, username="keeper")
    page = client_for(archivist).get(reverse("dashboard")).content.decode()
    assert "No request waits for you." in page
    assert "No original runs out soon." in page
    integration = make_user(roles.INTEGRATION, username="erp")
    page = client_for(integration).get(reverse("dashboard")).content.decode()
    assert "Your account has no role with a dashboard" in page


def test_the_dashboard_speaks_chinese(world, client_for):
    client = client_for(world.users["cm"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("dashboard")).content.decode()
    assert "信用决策" in page  # Credit decisions
    assert "应收账款逾期 90 天以上的客户" in page  # Customers with receivables over 90 days
    assert "30 天内到期的信用额度" in page  # Limits expiring within 30 days


@pytest.mark.parametrize("who", list(EXPECTED))
def test_queries_do_not_grow_with_the_portfolio(who, client_for, django_assert_max_num_queries):
    world = dashboard_world.build(scale=1)
    client = client_for(world.users[who])
    client.get(reverse("dashboard"))  # warm the session and the policy
    with django_assert_max_num_queries(QUERY_BUDGET[who]):
        page = client.get(reverse("dashboard"))
    lazy = [t.lazy_url for role in page.context["roles"] for panel in role.panels for t in panel.tiles if t.lazy_url]
    for url in lazy:
        with django_assert_max_num_queries(LAZY_BUDGET):
            client.get(url)
    dashboard_world.build(scale=4, users=world.users)
    with django_assert_max_num_queries(QUERY_BUDGET[who]):
        client.get(reverse("dashboard"))
    for url in lazy:
        with django_assert_max_num_queries(LAZY_BUDGET):
            client.get(url)


LAZY_BUDGET = 6  # session, user, roles, permission, the count … as measured
QUERY_BUDGET = {"rep": 13, "manager": 9, "service": 9, "analyst": 10, "cm": 11, "archivist": 10}  # as measured
# the manager's team counts: one grouped query by owner id, then the owners (two queries, not a sort of every customer)


def test_an_archived_dossier_leaves_the_counts_that_read_every_profile(world, client_for):
    """The analyst's counts and the credit manager's tier × grade matrix subtract the archived dossiers instead of
    joining every live one (issue 11's speed): the counts stay those of the lists they open."""
    from django.utils import timezone

    from customers.models import Customer

    Customer.objects.filter(name="温州泵业 0").update(deleted_at=timezone.now())  # tier C, 丁, needs an assessment
    client = client_for(world.users["analyst"])
    tiles = _tiles(client.get(reverse("dashboard")), client)
    assert (tiles["assessments-due"].count, tiles["reports-expiring"].count) == (0, 0)
    assert _listed(client.get(tiles["assessments-due"].url)) == 0
    assert _listed(client.get(tiles["reports-expiring"].url)) == 0
    page = client_for(world.users["cm"]).get(reverse("dashboard"))
    matrix = next(panel for role in page.context["roles"] for panel in role.panels if panel.key == "credit-manager")
    cells = {str(label): [count for count, _url in row] for label, row in matrix.rows}
    assert sum(sum(row) for row in cells.values()) == 3  # the round's other three profiles, none archived


def test_the_team_table_counts_each_owners_dossiers_and_the_oldest_complaint_waits(world, client_for):
    """The team counts grouped by owner id, then named (issue 11's speed); the open complaints read by id first."""
    page = client_for(world.users["manager"]).get(reverse("dashboard"))
    team = next(panel for role in page.context["roles"] for panel in role.panels if panel.key == "team")
    rows = [
        (row["owner"].username, row["owner"].dossiers, row["owner"].stale, row["owner"].incomplete) for row in team.rows
    ]
    assert rows == [("rep", 3, 1, 2), ("rep2", 1, 0, 1)]
    page = client_for(world.users["service"]).get(reverse("dashboard"))
    complaints = next(panel for role in page.context["roles"] for panel in role.panels if panel.key == "complaints")
    assert [(wait.complaint.subject, wait.days) for wait in complaints.rows] == [("Leaking valve", 12)]
