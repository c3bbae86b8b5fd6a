"""Unified social credit code 统一社会信用代码, GB 32100-2015 (DOMAIN §2 basic)."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def uscc_check_character(first17: str) -> str:
    """The 18th character for the first 17: 31 − (Σ value × weight mod 31), with 31 written as 0."""
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, or None when it is; ``code`` is compared upper-case."""
    code = code.upper()
    if len(code) != LENGTH:
        return "length"
    if any(ch not in CHARSET for ch in code):
        return "charset"
    if uscc_check_character(code[:17]) != code[17]:
        return "check"
    return None
