"""DOMAIN §2.3 duplicates: the normalised name, the similarity of two names and the duplicate decision."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opencc import OpenCC

from customers.rules.names import (
    DuplicateMatch,
    DuplicateReason,
    Party,
    duplicate_reason,
    match_order,
    name_key,
    name_similarity,
    phone_key,
    region_key,
    traditional_to_simplified,
)

_REFERENCE_T2S = OpenCC("t2s")
# Characters of the converter's dictionaries (phrases and single characters), simplified ones, and what lies between
_NAME_CHARACTERS = st.sampled_from(
    [
        *"東方化學工業國際貿易發展實業集團股份有限公司乾隆乾坤瞭解後來髮型鬆緊",
        *"杭州东方化工宁波分公司新客户",
        *" -.,()（）、Ltd&1a",
    ]
)


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("杭州东方化工股份有限公司", id="joint-stock-limited"),
        pytest.param("杭州东方化工", id="bare"),
        pytest.param("杭州東方化工有限公司", id="traditional-limited"),
        pytest.param("杭州东方化工有限责任公司", id="limited-liability"),
        pytest.param("杭州东方化工集团有限公司", id="group-limited"),
        pytest.param("杭州东方化工（集团）股份有限公司", id="group-in-brackets"),
        pytest.param("杭州 东方·化工 公司", id="spaces-and-middle-dot"),
        pytest.param("杭州东方化工股份", id="stock-at-end"),
        pytest.param("杭州东方化工、", id="chinese-punctuation"),
    ],
)
def test_chinese_spellings_of_one_company_have_one_key(spelling):
    assert name_key(spelling) == "杭州东方化工"


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("Hangzhou Dongfang Chemical Co., Ltd.", id="co-ltd"),
        pytest.param("HANGZHOU DONGFANG CHEMICAL", id="upper-case"),
        pytest.param("hangzhou dongfang chemical limited", id="limited"),
        pytest.param("Hangzhou Dongfang Chemical Inc.", id="inc"),
        pytest.param("Hangzhou Dongfang Chemical Corp", id="corp"),
        pytest.param("Hangzhou Dongfang Chemical LLC", id="llc"),
        pytest.param("Hangzhou Dongfang Chemical GmbH", id="gmbh"),
        pytest.param("Hangzhou Dongfang Chemical Group Co., Ltd.", id="group-co-ltd"),
        pytest.param("ＨＡＮＧＺＨＯＵ　ＤＯＮＧＦＡＮＧ　ＣＨＥＭＩＣＡＬ", id="full-width"),
        pytest.param("Hangzhou-Dongfang-Chemical", id="hyphens"),
    ],
)
def test_english_spellings_of_one_company_have_one_key(spelling):
    assert name_key(spelling) == "hangzhoudongfangchemical"


def test_a_branch_keeps_its_own_name():
    """分公司 is a branch of the company, another customer: its key is not the head office's."""
    assert name_key("杭州东方化工有限公司宁波分公司") == "杭州东方化工宁波分公司"
    assert name_key("杭州东方化工有限公司宁波分公司") != name_key("杭州东方化工有限公司")


def test_a_name_that_is_only_legal_forms_keeps_them():
    assert name_key("有限公司") == "有限公司"
    assert name_key("Co., Ltd.") == "coltd"


def test_an_empty_name_has_an_empty_key():
    assert name_key("") == ""
    assert name_key(" 、 ") == ""


@given(st.text(_NAME_CHARACTERS, max_size=30))
def test_the_traditional_characters_convert_as_opencc_converts_the_whole_name(name):
    """DOMAIN §2.3: traditional → simplified is OpenCC's t2s, computed on the parts it can change (for speed)."""
    assert traditional_to_simplified(name) == _REFERENCE_T2S.convert(name)


def test_legal_words_inside_an_english_word_stay():
    assert name_key("Cobalt Incorporated Tools") == "cobalttools"


@given(st.text(max_size=40))
def test_the_key_is_stable(name):
    """Normalising a key again changes nothing, whatever the text (idempotent)."""
    key = name_key(name)
    assert name_key(key) == key
    assert " " not in key


def test_similarity_of_equal_keys_is_100_and_of_one_changed_character_is_below_85():
    assert name_similarity("杭州东方化工", "杭州东方化工") == 100
    assert name_similarity("杭州东方化工", "杭州东方化学") == pytest.approx(83.33, abs=0.01)
    assert name_similarity("杭州东方化工机械", "杭州东方化工机构") == pytest.approx(87.5)
    assert name_similarity("", "杭州东方化工") == 0


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        pytest.param("0571-88886666", "57188886666", id="trunk-zero"),
        pytest.param("+86 571 8888 6666", "57188886666", id="country-code"),
        pytest.param("0086 571 88886666", "57188886666", id="0086"),
        pytest.param("１３９ １２３４ ５６７８", "13912345678", id="full-width-mobile"),
        pytest.param("8613912345678", "13912345678", id="86-mobile"),
        pytest.param("", "", id="empty"),
    ],
)
def test_phone_numbers_compare_by_their_digits(phone, key):
    assert phone_key(phone) == key


def test_regions_compare_without_province_and_city_words():
    assert region_key("浙江省杭州市") == region_key("浙江 杭州") == region_key("浙江杭州")
    assert region_key("廣東省") == region_key("广东")


HANGZHOU = Party(name_key=name_key("杭州东方化工股份有限公司"), phone="0571-88886666", region="浙江省")


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        pytest.param(
            Party(name_key="别的公司", external_id="ERP-1"), DuplicateReason.EXTERNAL_ID, id="same-external-id"
        ),
        pytest.param(Party(name_key="别的公司", uscc="91350100M000100Y43"), DuplicateReason.USCC, id="same-uscc"),
        pytest.param(
            Party(name_key=name_key("杭州東方化工有限公司"), phone="+86 571 8888 6666", region="广东"),
            DuplicateReason.NAME_AND_PHONE,
            id="name-and-phone",
        ),
        pytest.param(
            Party(name_key=name_key("杭州东方化工"), region="浙江"),
            DuplicateReason.NAME_AND_REGION,
            id="name-and-region",
        ),
        pytest.param(Party(name_key=name_key("杭州东方化工")), DuplicateReason.NAME, id="name-alone"),
        pytest.param(Party(name_key="杭州东方化学", region="浙江"), None, id="similarity-83-below-threshold"),
        pytest.param(Party(name_key=name_key("杭州东方化工"), region="广东"), None, id="two-regions"),
    ],
)
def test_duplicate_reason_for_the_stored_hangzhou_dongfang(new, reason):
    old = Party(
        name_key=HANGZHOU.name_key,
        phone=HANGZHOU.phone,
        region=HANGZHOU.region,
        external_id="ERP-1",
        uscc="91350100M000100Y43",
    )
    match = duplicate_reason(new, old)
    assert (match.reason if match else None) == reason


def test_certain_matches_update_and_name_matches_are_for_a_person():
    assert duplicate_reason(Party("a", uscc="X"), Party("b", uscc="X")).is_certain
    assert not duplicate_reason(Party("杭州东方化工"), Party("杭州东方化工")).is_certain


def test_empty_external_ids_and_credit_codes_match_nothing():
    assert duplicate_reason(Party("甲公司"), Party("乙工厂")) is None


def test_the_threshold_is_a_parameter_and_inclusive():
    new, old = Party("杭州东方化工", region="浙江"), Party("杭州东方化学", region="浙江")
    assert duplicate_reason(new, old, threshold=83.0).reason == DuplicateReason.NAME_AND_REGION
    assert duplicate_reason(new, old, threshold=name_similarity("杭州东方化工", "杭州东方化学")) is not None
    assert duplicate_reason(new, old, threshold=84.0) is None


def test_matches_sort_certain_first_then_evidence_then_similarity():
    matches = [
        DuplicateMatch(DuplicateReason.NAME, 100.0),
        DuplicateMatch(DuplicateReason.NAME_AND_REGION, 90.0),
        DuplicateMatch(DuplicateReason.NAME_AND_REGION, 100.0),
        DuplicateMatch(DuplicateReason.USCC, 100.0),
    ]
    assert [(m.reason, m.score) for m in sorted(matches, key=match_order)] == [
        ("uscc", 100.0),
        ("name_region", 100.0),
        ("name_region", 90.0),
        ("name", 100.0),
    ]
