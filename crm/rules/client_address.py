"""Which address a request comes from, for sign-in lockouts and API throttles (issue 16 point 4).

``X-Forwarded-For`` is written by whoever sends the request; only the entries appended by the proxies we run are
true. With no trusted proxy the peer address (``REMOTE_ADDR``) is the client; behind ``trusted_proxies`` proxies the
client is the entry the outermost of them appended — the same choice as Django REST framework's ``NUM_PROXIES``.
"""

import ipaddress


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(*, remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str | None:
    """The client's address: ``remote_addr`` unless behind trusted proxies, then the entry the outermost one wrote
    (the leftmost entry when the chain is shorter than configured). A value that is not an address is not used."""
    chosen = remote_addr
    if trusted_proxies > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        if hops:
            chosen = hops[-min(trusted_proxies, len(hops))]
    if chosen and _is_address(chosen):
        return chosen
    return remote_addr if remote_addr and _is_address(remote_addr) else None
