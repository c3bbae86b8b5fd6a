"""Recognising one customer under several spellings 客户查重 (DOMAIN §2.3), as pure rules.

``name_key`` is the normalised name a customer is stored and looked up by: full-width → half-width (NFKC),
traditional → simplified Chinese (OpenCC ``t2s``), letter case folded, spaces and punctuation removed (Chinese and
ASCII), legal-form words removed (有限公司, 有限责任公司, 股份, 集团, Co., Ltd., Inc. …). ``duplicate_reason`` decides
whether an incoming record is the same customer as a stored one: the same external id or unified social credit code
is the same customer (the import updates it); a name key equal or similar together with the same phone or region is
only a suspected duplicate, for a person to decide — never merged silently.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from opencc import OpenCC
from rapidfuzz import fuzz

_T2S = OpenCC("t2s")
_T2S.convert("")  # loads the dictionaries now, not in the first request
# Every character of any traditional → simplified dictionary entry. The converter's matches lie within runs of
# these characters, so a run converts alone as it would inside the name, and whatever lies between runs (Latin
# letters, digits, spaces, punctuation, many simplified characters) is left as it is: converting only the runs,
# each one once (``_t2s_run``), gives the converter's result at a fraction of its cost (it walks every substring
# of every word in Python).
_T2S_CHARACTERS = frozenset(ch for *_lengths, entries in _T2S._dict_chain_data[0] for entry in entries for ch in entry)


@functools.lru_cache(maxsize=65536)
def _t2s_run(run: str) -> str:
    return _T2S.convert(run)


def traditional_to_simplified(text: str) -> str:
    """OpenCC's ``t2s`` conversion of ``text`` (the converter's own result, computed on the runs it can change)."""
    if _T2S_CHARACTERS.isdisjoint(text):
        return text
    return "".join(
        _t2s_run(run) if convertible else run
        for convertible, chars in itertools.groupby(text, _T2S_CHARACTERS.__contains__)
        for run in ("".join(chars),)
    )


# English legal forms, as words once punctuation has split the name ("Co., Ltd." → "co", "ltd")
LEGAL_WORDS = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "group",
        "pte",
        "pty",
    }
)
# Chinese legal forms: removed wherever they stand (a branch's name goes on after them: …有限公司宁波分公司) …
_LEGAL_ANYWHERE = re.compile("股份有限公司|有限责任公司|有限公司|集团")
# … and these only at the end, where they cannot be part of a word (分公司 is a branch, not a legal form)
_LEGAL_AT_END = re.compile("(?<!分)(?:股份公司|公司|股份)+$")
_SEPARATORS = re.compile(r"[\W_]+")
KEY_LENGTH = 200  # the stored column's, as the name's


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The normalised name of DOMAIN §2.3: equal for 杭州东方化工股份有限公司, 杭州东方化工 and 杭州東方化工有限公司,
    and for "Hangzhou Dongfang Chemical Co., Ltd." and "HANGZHOU DONGFANG CHEMICAL". A name that is nothing but
    legal forms keeps them (so "有限公司" is not everyone's twin); an empty name gives ""."""
    text = traditional_to_simplified(unicodedata.normalize("NFKC", name)).casefold()
    words = [word for word in _SEPARATORS.split(text) if word]
    kept = [word for word in words if word not in LEGAL_WORDS] or words
    joined = "".join(kept)
    key = _LEGAL_AT_END.sub("", _LEGAL_ANYWHERE.sub("", joined))
    return (key or joined)[:KEY_LENGTH]


def name_similarity(key: str, other: str) -> float:
    """How alike two name keys are, 0–100 (rapidfuzz's normalised Indel similarity of the characters): 100 for
    equal keys, 83.3 for 杭州东方化工 and 杭州东方化学; 0 when either is empty."""
    if not key or not other:
        return 0.0
    return fuzz.ratio(key, other)


@functools.lru_cache(maxsize=65536)
def phone_key(phone: str) -> str:
    """A phone number's digits without the country code 86 and trunk zeros: "+86 571-8888 6666" and
    "0571 88886666" are one number."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    return digits.lstrip("0")


_REGION_SUFFIXES = re.compile("(?:特别行政区|自治区|自治州|地区|省|市|区|县)")


@functools.lru_cache(maxsize=4096)
def region_key(region: str) -> str:
    """A region written alike: 浙江省杭州市, 浙江 杭州 and 浙江杭州 are one region."""
    text = _T2S.convert(unicodedata.normalize("NFKC", region)).casefold()
    return _REGION_SUFFIXES.sub("", _SEPARATORS.sub("", text))


class DuplicateReason(StrEnum):
    """Why two records are taken for one customer; the first two are certain, the others suspected."""

    EXTERNAL_ID = "external_id"
    USCC = "uscc"
    NAME_AND_PHONE = "name_phone"
    NAME_AND_REGION = "name_region"
    NAME = "name"  # nothing to tell the two apart: the same or a similar name, region or phone unknown


CERTAIN = frozenset({DuplicateReason.EXTERNAL_ID, DuplicateReason.USCC})
RANK = {reason: rank for rank, reason in enumerate(DuplicateReason)}


@dataclass(frozen=True, slots=True)
class Party:
    """What duplicate detection compares of a customer record; ``name_key`` as given by ``name_key()``.
    ``phone`` and ``region`` may be left empty where the reader may not see them (a masked dossier)."""

    name_key: str
    phone: str = ""
    region: str = ""
    external_id: str = ""
    uscc: str = ""


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    reason: DuplicateReason
    score: float  # 100 for a certain match, else the name similarity

    @property
    def is_certain(self) -> bool:
        """The same external id or credit code: the record updates that customer; else a person decides."""
        return self.reason in CERTAIN


DEFAULT_THRESHOLD = 85.0


def duplicate_reason(new: Party, old: Party, *, threshold: float = DEFAULT_THRESHOLD) -> DuplicateMatch | None:
    """Is ``new`` the customer ``old`` (DOMAIN §2.3)? External id, then USCC (certain); then a name key equal or at
    least ``threshold`` similar together with the same phone or region (suspected). With neither phone nor region to
    compare the name alone makes a suspect; two known regions that differ and no shared phone make none (杭州东方化工
    and 广州东方化工 are two companies)."""
    if new.external_id and new.external_id == old.external_id:
        return DuplicateMatch(DuplicateReason.EXTERNAL_ID, 100.0)
    if new.uscc and new.uscc == old.uscc:
        return DuplicateMatch(DuplicateReason.USCC, 100.0)
    score = name_similarity(new.name_key, old.name_key)
    if score < threshold:
        return None
    new_phone, old_phone = phone_key(new.phone), phone_key(old.phone)
    if new_phone and new_phone == old_phone:
        return DuplicateMatch(DuplicateReason.NAME_AND_PHONE, score)
    new_region, old_region = region_key(new.region), region_key(old.region)
    if new_region and new_region == old_region:
        return DuplicateMatch(DuplicateReason.NAME_AND_REGION, score)
    if new_region and old_region:
        return None
    return DuplicateMatch(DuplicateReason.NAME, score)


def match_order(match: DuplicateMatch) -> tuple[int, float]:
    """Sort key: certain matches first, then by the strength of the evidence, then by similarity."""
    return (RANK[match.reason], -match.score)
