"""Issue 16 point 4: the client address counted by lockouts and throttles (pure rule, no database)."""

import pytest

from crm.rules.client_address import client_address


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "trusted", "expected"),
    [
        ("198.51.100.9", None, 0, "198.51.100.9"),
        ("198.51.100.9", "203.0.113.7", 0, "198.51.100.9"),
        ("10.0.0.2", "203.0.113.7", 1, "203.0.113.7"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),
        ("10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"),
        ("10.0.0.2", "203.0.113.7", 3, "203.0.113.7"),
        ("10.0.0.2", " 2001:db8::1 ", 1, "2001:db8::1"),
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("10.0.0.2", "not-an-address", 1, "10.0.0.2"),
        (None, None, 0, None),
        ("garbage", None, 0, None),
    ],
    ids=[
        "no-proxy",
        "no-proxy-ignores-forwarded-for",
        "one-proxy",
        "one-proxy-ignores-spoofed-entries",
        "two-proxies",
        "chain-shorter-than-configured",
        "ipv6",
        "proxy-sent-nothing",
        "proxy-sent-garbage",
        "no-peer",
        "peer-not-an-address",
    ],
)
def test_client_address_trusts_forwarded_for_only_behind_the_configured_proxies(
    remote_addr, forwarded_for, trusted, expected
):
    assert client_address(remote_addr=remote_addr, forwarded_for=forwarded_for, trusted_proxies=trusted) == expected
