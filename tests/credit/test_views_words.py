"""The credit pages speak words, not codes, in 简体中文 too (issue 14): hold reasons, the recommendation's reasons,
a policy that breaks its own constraints, the shipped feature-analysis model, refusals and amounts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credit import services
from crm import roles
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def cm(make_user):
    return make_user(roles.CREDIT_MANAGER, username="cm")


@pytest.fixture
def held(rep):
    """An order of 123,456 held because the new customer has no limit."""
    today = timezone.localdate()
    return services.order_place(
        customer=make_customer(owner=rep, name="杭州东方化工"),
        lines=[services.OrderLineInput("valve", Decimal(1), Decimal(123_456))],
        order_date=today,
        due_date=today + timedelta(days=30),
        by=rep,
        today=today,
    )


def test_the_hold_list_says_why_in_words_and_groups_amounts(held, cm, client_for):
    assert held.credit_check["reasons"] == ["no_valid_limit"]
    page = client_for(cm).get(reverse("credit_holds"), **ZH).content.decode()
    assert "无有效信用额度" in page
    assert "no_valid_limit" not in page
    assert "123,456.00" in page  # grouped in Chinese as in English


def test_the_limit_request_page_gives_the_recommendations_reasons_in_words(rep, client_for):
    customer = make_customer(owner=rep, name="Small buyer", size="small")
    page = client_for(rep).get(reverse("credit_limit_request", args=[customer.code]), **ZH).content.decode()
    assert "未评估的小客户：最多给予小客户额度上限" in page
    assert "unassessed_small_customer_ceiling" not in page


def test_a_policy_against_its_constraints_is_explained_next_to_the_field(cm, client_for):
    client = client_for(cm)
    form = client.get(reverse("credit_policy")).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "note"}
    response = client.post(
        reverse("credit_policy"), data | {"tier_a_threshold": "100000", "tier_b_threshold": "200000", "note": "x"}, **ZH
    )
    assert response.status_code == 200  # nothing saved
    assert response.context["form"].errors["tier_a_threshold"] == ["客户等级 A 的门槛必须高于客户等级 B 的门槛。"]
    page = response.content.decode()
    assert "policy_a_above_b" not in page
    assert "is violated" not in page


def test_the_api_preview_explains_a_broken_constraint_the_same_way(cm, api_for):
    response = api_for(cm).post(
        "/api/v1/credit-policy/preview/", {"tier_a_threshold": "100000"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["tier_a_threshold"] == ["Tier A must be above tier B."]


def test_the_feature_analysis_form_is_in_chinese(rep, make_user, client_for):
    analyst = make_user(roles.CREDIT_ANALYST, username="analyst")
    customer = make_customer(owner=rep, name="Buyer")
    page = client_for(analyst).get(reverse("credit_assess", args=[customer.code, "feature"]), **ZH).content.decode()
    assert "特征分析法（三组指标）" in page
    assert "产品与市场" in page
    assert "客户特征" in page
    assert "Products and markets" not in page
    assert "customer_characteristics" not in page


def test_a_refused_order_step_says_why_in_the_readers_language(held, cm, client_for):
    client = client_for(cm)
    client.post(reverse("credit_order_decide", args=[held.number, "release"]))
    page = client.post(reverse("credit_order_decide", args=[held.number, "release"]), follow=True, **ZH)
    assert "只有信用冻结中的订单可以放行；此订单状态为：进行中。" in page.content.decode()
