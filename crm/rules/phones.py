"""Phone and fax numbers as people write them (issue 14 point 7): digits, spaces, ``+`` (first only), ``-`` and
parentheses, then optionally an extension: ``x123``, ``ext. 123``, ``转123`` or ``分机123``. Between 3 digits
(a service number such as 110) and 20 digits (an international number with its area code) before the extension."""

import re

MIN_DIGITS = 3
MAX_DIGITS = 20
_NUMBER = re.compile(r"\+?[0-9() \-]+")
_EXTENSION = re.compile(r"(?:\s*(?:x|ext\.?|转|分机)\s*)([0-9]{1,6})$", re.IGNORECASE)


def is_phone_number(text: str) -> bool:
    """Whether ``text`` (stripped) is a phone or fax number as above; the empty text is for the caller to allow."""
    text = text.strip()
    extension = _EXTENSION.search(text)
    number = text[: extension.start()] if extension else text
    if not _NUMBER.fullmatch(number) or number.count("(") != number.count(")"):
        return False
    return MIN_DIGITS <= sum(char.isdigit() for char in number) <= MAX_DIGITS
