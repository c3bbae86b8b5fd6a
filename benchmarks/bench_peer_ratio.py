"""Side by side with the peer DjangoCRM v2.4.0 over real HTTP (issue 15 point 6): list and search pages, A B A B.

Both servers must already run (gunicorn, 2 workers, DEBUG off), each on its own database holding the same 20,000
customers; benchmarks/README.md ("The side-by-side ratio against DjangoCRM") says how to set the peer up outside the
repository. The script signs in to both as a person would (the login form with its CSRF token), then for every page
pair requests ours and the peer's in turn, round after round, the one going first changing each round, and prints
the median of each side and the ratio peer / ours. Standard library only: it imports nothing of either project.

    .venv/bin/python benchmarks/bench_peer_ratio.py --ours http://127.0.0.1:8802 --peer http://127.0.0.1:8801
"""

import argparse
import html
import http.cookiejar
import os
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

# (label, our path, the peer's path): the same question asked of both. The peer's company list does not search
# its contacts, so its contact search is its own contact list's search (first name, last name, phones, e-mail, ...).
PAGES = [
    ("customer / company list, first page", "/customers/", "crm/company/"),
    ("name search, Chinese (精工阀门)", "/customers/?q=精工阀门", "crm/company/?q=精工阀门"),
    ("name search, Latin (golden flow)", "/customers/?q=golden+flow", "crm/company/?q=golden+flow"),
    ("contact search (王伟)", "/customers/?q=王伟", "crm/contact/?q=王伟"),
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Site:
    """One signed-in browser: its own cookies, a new connection per request (gunicorn's sync workers close it)."""

    def __init__(self, name: str, base: str, login_path: str, page_prefix: str) -> None:
        self.name = name
        self.base = base.rstrip("/")
        self.login_path = login_path
        self.page_prefix = page_prefix
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def url(self, path: str) -> str:
        path, _, query = path.partition("?")
        quoted = urllib.parse.quote(path) + ("?" + urllib.parse.quote(query, safe="=&+") if query else "")
        return self.base + quoted

    def sign_in(self, username: str, password: str) -> None:
        form = self.opener.open(self.url(self.login_path), timeout=60).read().decode()
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": CSRF.findall(form)[-1],
                "username": username,
                "password": password,
                "next": self.page_prefix or "/",
            }
        ).encode()
        url = self.url(self.login_path)
        request = urllib.request.Request(url, data=body, headers={"Referer": self.base})  # noqa: S310 - local servers
        landed = self.opener.open(request, timeout=60)
        if landed.geturl().split("?")[0].endswith(self.login_path):
            raise SystemExit(f"{self.name}: signing in as {username} failed")

    def get(self, path: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        response = self.opener.open(self.url(path), timeout=120)
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200 or response.geturl() != self.url(path):
            raise SystemExit(f"{self.name}: {path} answered {response.status} at {response.geturl()}")
        return elapsed, content


def rows_of(content: bytes) -> int:
    """Table rows of the result list (both pages show their results as a table with one row per customer)."""
    text = content.decode()
    body = text[text.find("<tbody") :] if "<tbody" in text else text
    return body.count("<tr")


def found(content: bytes) -> str:
    """What the page says it found: the admin's "N results (M total)" or our count line, for the reader."""
    text = html.unescape(re.sub(r"<[^>]+>|\s+", " ", content.decode()))
    match = re.search(r"\d[\d,]* results? \(\s*[\d,]+ total\s*\)|(?:about )?[\d,]+ customers?\b", text)
    return match.group(0).strip() if match else "?"


def _ours(value: str) -> tuple[str, str]:
    label, _, url = value.rpartition("=")
    return label or "ours", url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--ours",
        action="append",
        type=_ours,
        help="our gunicorn (default http://127.0.0.1:8802); repeat as LABEL=URL to time two builds in the same rounds",
    )
    parser.add_argument("--peer", default="http://127.0.0.1:8801", help="the peer's gunicorn")
    parser.add_argument("--ours-user", default="bench_manager")
    parser.add_argument("--peer-user", default="IamSALES")
    parser.add_argument("--password", default=os.environ.get("BENCH_PASSWORD", "bench-pass-1"), help="both users'")
    parser.add_argument("--peer-prefix", default="/en/123/", help="the peer's SECRET_CRM_PREFIX, with the language")
    parser.add_argument("--rounds", type=int, default=40, help="rounds per page, each site once (after 3 warm-ups)")
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args()

    ours = [Site(label, url, "/accounts/login/", "") for label, url in args.ours or [("ours", "http://127.0.0.1:8802")]]
    peer = Site("peer", args.peer, args.peer_prefix + "789-login/", args.peer_prefix)
    for site in ours:
        site.sign_in(args.ours_user, args.password)
    peer.sign_in(args.peer_user, args.password)
    sites = [*ours, peer]
    pages = [p for p in PAGES if not args.only or args.only in p[0]]
    names = ", ".join(f"{site.name} {site.base}" for site in ours)
    print(f"{names} as {args.ours_user}; peer {peer.base} as {args.peer_user}; {args.rounds} rounds, order rotating")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    columns = "".join(f" {site.name + ' ms':>12} {'ratio':>6} {'p25-p75':>11}" for site in ours)
    print(f"{'page':<38}{columns} {'peer ms':>8}   rows   found")
    ratios = []
    for label, our_path, peer_path in pages:
        path = {site.name: our_path for site in ours} | {"peer": peer.page_prefix + peer_path}
        for _ in range(3):
            for site in sites:
                site.get(path[site.name])
        times: dict[str, list[float]] = {site.name: [] for site in sites}
        for round_ in range(args.rounds):
            shift = round_ % len(sites)
            for site in sites[shift:] + sites[:shift]:
                times[site.name].append(site.get(path[site.name])[0])
        peer_ms = statistics.median(times["peer"])
        cells, shown = [], {}
        for site in sites:
            shown[site.name] = site.get(path[site.name])[1]
        for site in ours:
            ms = statistics.median(times[site.name])
            pair = [b / a for a, b in zip(times[site.name], times["peer"], strict=True)]
            quartiles = statistics.quantiles(pair, n=4)
            ratios.append(peer_ms / ms)
            cells.append(f" {ms:12.1f} {peer_ms / ms:5.1f}× {quartiles[0]:4.1f}-{quartiles[2]:4.1f}×")
        rows = "/".join(str(rows_of(shown[site.name])) for site in sites)
        said = f"{found(shown[ours[-1].name])} | {found(shown['peer'])}"
        print(f"{label:<38}{''.join(cells)} {peer_ms:8.1f}   {rows}   {said}")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"lowest ratio {min(ratios[len(ours) - 1 :: len(ours)]):.1f}× (target ≥ 10×; of the last --ours)")
    sys.exit(0 if min(ratios[len(ours) - 1 :: len(ours)]) >= 10 else 1)


if __name__ == "__main__":
    main()
