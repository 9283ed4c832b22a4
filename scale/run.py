"""`make scale-test`: the proof that the app scales out.

Starts, on this machine only, a PostgreSQL database of its own (`enabling_scale`, dropped and made again, on the
DATABASE_URL server), an S3-compatible object store (moto in server mode) with a bucket, two web nodes (gunicorn,
two workers each) and two task workers, all with the production settings. Seeds the demo data, then checks what
a load balancer in front of two nodes needs, prints one table and exits 0 only if every check passed (1 if one
failed, 2 if none failed but a check could not run because its setting is not in this code yet).

    python scale/run.py            # SCALE_SECONDS=20 for a shorter load phase (default 60)

Everything it starts it stops, also on failure and on Ctrl-C; the logs stay in the folder it prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORTS = range(8150, 8180)
DATABASE_NAME = "enabling_scale"
BUCKET = "enabling-scale-evidence"
VERIFY_LIMIT = 10
USERS = 20
TEAM_PASSWORD, REVIEWER_PASSWORD, ADMIN_PASSWORD = "demo-team-password", "demo-reviewer-password", "demo-admin-password"

# Who the 20 signed-in users are (threads; an account may be signed in twice, as from two desks) and what they do:
# "narrative" saves a narrative in Willow Ward's open portfolio with a unique marker, "evidence" adds notes and
# small files to their service's library, "read" follows the links on their home page.
CAST = [
    *[("lead.willow@example.org", TEAM_PASSWORD, "narrative")] * 2,
    *[("member.willow@example.org", TEAM_PASSWORD, "narrative")] * 2,
    *[("expert.willow@example.org", TEAM_PASSWORD, "narrative")] * 2,
    ("lead.cwing@example.org", TEAM_PASSWORD, "evidence"),
    ("member.cwing@example.org", TEAM_PASSWORD, "evidence"),
    ("lead.harbour@example.org", TEAM_PASSWORD, "evidence"),
    ("member.harbour@example.org", TEAM_PASSWORD, "evidence"),
    *[("admin@example.org", ADMIN_PASSWORD, "read")] * 2,
    *[("reviewer1@example.org", REVIEWER_PASSWORD, "read")] * 2,
    ("reviewer2@example.org", REVIEWER_PASSWORD, "read"),
    ("reviewer3@example.org", REVIEWER_PASSWORD, "read"),
    ("member.riverside@example.org", TEAM_PASSWORD, "read"),
    ("member.willow@example.org", TEAM_PASSWORD, "read"),
    ("lead.cwing@example.org", TEAM_PASSWORD, "read"),
    ("member.harbour@example.org", TEAM_PASSWORD, "read"),
]
PASS, FAIL, NOT_CONFIGURED = "PASS", "FAIL", "NOT CONFIGURED"


# ---- pure helpers (tests/test_scale_script.py) ----


@dataclass
class Row:
    check: str
    result: str
    numbers: str


def render_table(rows: list[Row]) -> str:
    headings = ("check", "result", "numbers")
    cells = [headings, *[(row.check, row.result, row.numbers) for row in rows]]
    widths = [max(len(line[column]) for line in cells) for column in range(3)]
    lines = [" | ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def exit_status(rows: list[Row]) -> int:
    """0 when every check passed; 1 when one failed; 2 when none failed but one could not run."""
    results = {row.result for row in rows}
    if results <= {PASS} and rows:
        return 0
    return 1 if FAIL in results or not rows else 2


def cache_is_shared(backend: str) -> bool:
    """The same list `check --deploy` warns about (accreditation.W002): a cache kept inside each process, or on one
    machine's disk, cannot count across nodes."""
    from accreditation.checks import LOCAL_CACHES

    return backend not in LOCAL_CACHES


def free_ports(count: int, candidates=PORTS) -> list[int]:
    """The first `count` ports of `candidates` that nothing on the loopback address listens on."""
    found = []
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"Only {len(found)} free ports in {candidates.start}-{candidates.stop - 1}; {count} needed.")


def form_field(page: str, name: str) -> str | None:
    """The value of a hidden or text input, or a textarea's text, on an HTML page."""
    if match := re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', page):
        return html.unescape(match.group(1))
    if match := re.search(rf'<input[^>]*value="([^"]*)"[^>]*name="{re.escape(name)}"', page):
        return html.unescape(match.group(1))
    if match := re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.DOTALL):
        text = html.unescape(match.group(1))
        return text[1:] if text.startswith("\n") else text
    return None


def page_links(page: str) -> list[str]:
    """The site's own pages linked from a page; not sign-out, not the admin (a different app), not static files."""
    links = {html.unescape(href) for href in re.findall(r'href="(/[^"#]*)[^"]*"', page)}
    return sorted(link for link in links if not link.startswith(("/static/", "/account/", "/admin/")))


# ---- processes ----


class Stack:
    """Every process the script starts, each in a process group of its own, with its output in the log folder."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def group_pids(self, name: str) -> list[int]:
        """The process and its children (a gunicorn master and its workers)."""
        pid = self.processes[name].pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [pid, *map(int, children.read_text().split())] if children.exists() else [pid]

    def kill(self, name: str) -> list[int]:
        """SIGKILL to the process and every process of its group, as a machine going down would."""
        pids = self.group_pids(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=10)
        return pids

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        # A killed group may leave a worker behind that was not yet reaped: nothing of ours outlives the script.
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


def run(argv: list[str], env: dict, log: Path) -> None:
    with log.open("ab") as output:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:3])} failed; see {log}")


def wait_for_http(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode} before answering")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def database_admin(url: str, sql: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname=config["NAME"] or "postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"],
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


# ---- the client: one "browser" per signed-in user ----


class Browser:
    """A requests session that, like a browser on localhost, sends the production cookies (Secure, __Host-) to the
    plain-http loopback address, optionally from a source address of its own (127.0.0.x) so each check has its own
    client address."""

    def __init__(self, nodes: list[str], source: str | None = None):
        import requests
        from requests.adapters import HTTPAdapter

        self.nodes = nodes
        self.session = requests.Session()
        if source:

            class FromSource(HTTPAdapter):
                def init_poolmanager(self, *args, **kwargs):
                    kwargs["source_address"] = (source, 0)
                    super().init_poolmanager(*args, **kwargs)

            self.session.mount("http://", FromSource())

    def request(self, node: int, method: str, path: str, **kwargs):
        response = self.session.request(
            method, self.nodes[node] + path, timeout=kwargs.pop("timeout", 30), allow_redirects=False, **kwargs
        )
        for cookie in self.session.cookies:
            cookie.secure = False  # what a browser does for http://localhost: Secure cookies go back to it
        return response

    def get(self, node: int, path: str, **kwargs):
        return self.request(node, "GET", path, **kwargs)

    def post_form(self, node: int, path: str, data: dict, form_path: str | None = None, **kwargs):
        """GET the form (for its CSRF token) then POST it, as a person filling it in would."""
        page = self.get(node, form_path or path)
        page.raise_for_status()
        data = {"csrfmiddlewaretoken": form_field(page.text, "csrfmiddlewaretoken"), **data}
        return self.request(node, "POST", path, data=data, **kwargs)

    def sign_in(self, node: int, email: str, password: str) -> None:
        response = self.post_form(node, "/account/sign-in/", {"username": email, "password": password})
        if response.status_code != 302:
            cookies = sorted(cookie.name for cookie in self.session.cookies)
            raise RuntimeError(
                f"Signing in {email} on node {node} answered {response.status_code} (cookies {cookies}): "
                + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[:300]
            )


# ---- the load phase ----


@dataclass
class Write:
    kind: str  # "narrative", "note" or "file"
    marker: str
    node: int
    at: float


@dataclass
class Load:
    killed_at: float | None = None
    until: float = 0.0
    go: threading.Event = field(default_factory=threading.Event)  # everyone has signed in: the clock starts
    lock: threading.Lock = field(default_factory=threading.Lock)
    ok: Counter = field(default_factory=Counter)  # per node
    ok_after_kill_on_b: int = 0
    errors: list[str] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)  # unexpected 4xx by status
    failovers: int = 0  # requests sent to A after the kill, resent to B (connection refused: nothing reached A)
    cut: int = 0  # reads in flight on A at the kill, resent to B
    cut_writes: list[Write] = field(default_factory=list)  # writes in flight on A at the kill: outcome unknown
    acknowledged: list[Write] = field(default_factory=list)
    conflicts: int = 0

    def after_kill(self) -> bool:
        return self.killed_at is not None


class Refused(Exception):
    pass


def is_refused_connection(error: Exception) -> bool:
    """True when the connection was never made (nothing reached the server), so any request may be resent."""
    return "NewConnectionError" in repr(error) or "Connection refused" in repr(error)


class User(threading.Thread):
    def __init__(self, number: int, email: str, password: str, role: str, plan: dict, load: Load):
        super().__init__(name=f"user-{number}", daemon=True)
        self.number, self.email, self.password, self.role = number, email, password, role
        self.plan, self.load = plan, load
        self.signed_in = threading.Event()
        self.browser = Browser(plan["nodes"])
        self.turn = number  # round robin over the nodes, per request, like a load balancer without sticky sessions
        self.random = random.Random(number)
        self.writes = 0

    def node(self) -> int:
        self.turn += 1
        return self.turn % 2

    def send(self, method: str, path: str, write: Write | None = None, **kwargs):
        """One request through the "load balancer": returns the response, or None when it was lost with node A."""
        import requests

        node = self.node()
        try:
            response = self.browser.request(node, method, path, **kwargs)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
            # A connection refused, or a response cut off in its body (IncompleteRead). Caused by the kill: node A,
            # failing once the kill has begun (the flag is set just before the signal).
            killed = self.load.killed_at is not None and node == 0
            if not killed:
                with self.load.lock:
                    self.load.errors.append(f"{method} {path} on node {'AB'[node]}: {error.__class__.__name__}")
                return None
            if method == "POST" and not is_refused_connection(error):
                with self.load.lock:
                    self.load.cut_writes.append(write)
                return None
            with self.load.lock:
                if is_refused_connection(error):
                    self.load.failovers += 1
                else:
                    self.load.cut += 1
            node = 1
            response = self.browser.request(node, method, path, **kwargs)
        if write is not None:
            write.node = node
        with self.load.lock:
            if response.status_code >= 500:
                self.load.errors.append(f"{method} {path} on node {'AB'[node]}: {response.status_code}")
            elif response.status_code >= 400 and response.status_code != 409:
                self.load.refused[response.status_code] += 1
                self.load.errors.append(f"{method} {path} on node {'AB'[node]}: {response.status_code}")
            else:
                self.load.ok[node] += 1
                if node == 1 and self.load.killed_at is not None:
                    self.load.ok_after_kill_on_b += 1
        return response

    def run(self) -> None:
        try:
            self.browser.sign_in(self.number % 2, self.email, self.password)
        except Exception as error:
            with self.load.lock:
                self.load.errors.append(f"{self.email} could not sign in: {error}")
            return
        finally:
            self.signed_in.set()
        self.load.go.wait()
        home = self.send("GET", "/")
        links = page_links(home.text) if home is not None and home.status_code == 200 else []
        while time.monotonic() < self.load.until:
            try:
                if self.role == "narrative":
                    self.save_narrative()
                elif self.role == "evidence":
                    self.add_evidence()
                for _ in range(2):
                    if links:
                        self.send("GET", self.random.choice(links))
                time.sleep(self.random.uniform(0.05, 0.25))  # a person reading the page
            except Exception as error:
                with self.load.lock:
                    self.load.errors.append(f"{self.name}: {error.__class__.__name__}: {error}")

    def marker(self) -> str:
        self.writes += 1
        return f"[scale {self.number}-{self.writes}-{uuid.uuid4().hex[:8]}]"

    def save_narrative(self) -> None:
        standards = self.plan["narratives"][self.number]
        # Move to the next of this user's own standards before the narrative nears its length limit.
        path = standards[min(self.writes // 120, len(standards) - 1)]
        page = self.send("GET", path)
        if page is None or page.status_code != 200:
            return
        marker = self.marker()
        narrative = (form_field(page.text, "narrative") or "").rstrip("\n") + f"\n{marker}"
        write = Write("narrative", marker, -1, 0.0)
        data = {
            "csrfmiddlewaretoken": form_field(page.text, "csrfmiddlewaretoken"),
            "narrative": narrative,
            "rating": form_checked(page.text, "rating"),
            "version": form_field(page.text, "version"),
        }
        self.acknowledge(write, self.send("POST", path, write=write, data=data), path)

    def add_evidence(self) -> None:
        service = self.plan["services"][self.email]
        path = f"/evidence/services/{service}/add/"
        page = self.send("GET", path)
        if page is None or page.status_code != 200:
            return
        marker = self.marker()
        kind = "file" if self.writes % 2 else "note"
        write = Write(kind, marker, -1, 0.0)
        data = {
            "csrfmiddlewaretoken": form_field(page.text, "csrfmiddlewaretoken"),
            "title": f"Scale test {marker}",
            "description": "Added by the scale-out test.",
            "kind": "meeting",
            "effective_on": "2026-05-12",
            "contributed_by": "staff",
            "owner": self.plan["user_ids"][self.email],
            "no_personal_data": "on",
        }
        files = None
        if kind == "file":
            text = f"Minutes of the team meeting {marker}.\nWe talked about the garden and the rota.\n"
            files = {"file": (f"minutes-{self.writes}.txt", text.encode(), "text/plain")}
        self.acknowledge(write, self.send("POST", path, write=write, data=data, files=files), path)

    def acknowledge(self, write: Write, response, path: str) -> None:
        if response is None:
            return
        if response.status_code == 302:
            write.at = time.monotonic()
            with self.load.lock:
                self.load.acknowledged.append(write)
        elif response.status_code == 409:
            with self.load.lock:
                self.load.conflicts += 1
        elif response.status_code == 200:
            problem = re.search(r'class="[^"]*invalid-feedback[^"]*"[^>]*>(.*?)<', response.text, re.DOTALL)
            with self.load.lock:
                self.load.errors.append(
                    f"POST {path} was refused: {problem.group(1).strip() if problem else 'form shown again'}"
                )


def form_checked(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"[^>]*checked', page)
    return match.group(1) if match else ""


# ---- the checks ----


def check_file_across_nodes(plan: dict, s3, media: Path) -> Row:
    from accreditation.models import Evidence

    browser = Browser(plan["nodes"])
    browser.sign_in(0, "lead.willow@example.org", TEAM_PASSWORD)
    words = ["garden", "meeting", "rota", "kitchen", "community", "review", "support", "plan"]
    rng = random.Random(secrets.randbits(32))
    content = (
        f"Scale-out test file {uuid.uuid4()}\n"
        + "\n".join(" ".join(rng.choice(words) for _ in range(12)) for _ in range(3000))
        + "\n"
    ).encode()
    sha = hashlib.sha256(content).hexdigest()
    service = plan["services"]["lead.willow@example.org"]
    add = f"/evidence/services/{service}/add/"
    started = time.monotonic()
    response = browser.post_form(
        0,
        add,
        {
            "title": "Scale-out test file",
            "kind": "document",
            "effective_on": "2026-05-12",
            "contributed_by": "staff",
            "owner": plan["user_ids"]["lead.willow@example.org"],
            "no_personal_data": "on",
        },
        files={"file": ("scale-test.txt", content, "text/plain")},
    )
    if response.status_code != 302:
        return Row("file uploaded on A downloads on B", FAIL, f"upload answered {response.status_code}")
    evidence_id = int(re.search(r"/evidence/(\d+)/", response.headers["Location"]).group(1))
    download = browser.get(1, f"/evidence/{evidence_id}/download/")
    elapsed = time.monotonic() - started
    got = hashlib.sha256(download.content).hexdigest()
    evidence = Evidence.objects.get(pk=evidence_id)
    in_bucket = s3.head_object(Bucket=BUCKET, Key=evidence.file.name)["ContentLength"]
    on_disk = [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
    ok = download.status_code == 200 and got == sha == evidence.sha256 and in_bucket == len(content) and not on_disk
    return Row(
        "file uploaded on A downloads on B",
        PASS if ok else FAIL,
        f"{len(content):,} bytes, sha256 {sha[:12]}… {'=' if got == sha else '≠'} {got[:12]}…; "
        f"in bucket {in_bucket:,} bytes; files on local disk {len(on_disk)}; {elapsed:.2f} s",
    )


def check_sign_out(plan: dict) -> Row:
    browser = Browser(plan["nodes"])
    browser.sign_in(0, "member.willow@example.org", TEAM_PASSWORD)
    private = f"/evidence/services/{plan['services']['member.willow@example.org']}/"
    before = browser.get(1, private).status_code
    cookies = {cookie.name: cookie.value for cookie in browser.session.cookies}
    home = browser.get(0, "/")
    out = browser.request(
        0, "POST", "/account/sign-out/", data={"csrfmiddlewaretoken": form_field(home.text, "csrfmiddlewaretoken")}
    )
    # The browser would drop the cookie; a copied cookie (another tab, a stolen one) must be refused on B too.
    replay = Browser(plan["nodes"])
    for name, value in cookies.items():
        replay.session.cookies.set(name, value, domain="127.0.0.1", path="/")
    after = replay.get(1, private)
    ended = after.status_code == 302 and "/account/sign-in/" in after.headers.get("Location", "")
    ok = before == 200 and out.status_code == 302 and ended
    return Row(
        "signing out on A ends the session on B",
        PASS if ok else FAIL,
        f"B before sign-out {before}; sign-out on A {out.status_code}; same cookie on B after: {after.status_code}"
        f"{' to sign-in' if ended else ''}",
    )


def check_rate_limit(plan: dict, shared_cache: bool) -> Row:
    browser = Browser(plan["nodes"], source="127.0.0.3")
    statuses = []
    for number in range(2 * VERIFY_LIMIT):
        # The proxy's own entry, for when TRUSTED_PROXY_HOPS is read; otherwise this client's own address counts.
        response = browser.get(number % 2, f"/verify/{plan['code']}/", headers={"X-Forwarded-For": "198.51.100.30"})
        statuses.append(response.status_code)
    allowed = sum(status != 429 for status in statuses)
    numbers = (
        f"limit {VERIFY_LIMIT}/min; {len(statuses)} checks alternating A/B: {allowed} answered, "
        f"{len(statuses) - allowed} refused (429); cache {plan['cache']}"
    )
    if not shared_cache:
        # A cache inside each process (accreditation.W002) is a setting to change, not a fault the test found.
        return Row("certificate-check limit counts across nodes", NOT_CONFIGURED, numbers + " (per process)")
    first_refused = statuses.index(429) if 429 in statuses else None
    ok = allowed == VERIFY_LIMIT and first_refused == VERIFY_LIMIT and all(s == 429 for s in statuses[VERIFY_LIMIT:])
    return Row("certificate-check limit counts across nodes", PASS if ok else FAIL, numbers)


def check_proxy(plan: dict, hops: int) -> Row:
    """The proxy (here 127.0.0.5) appends the address it saw; the client put a spoofed one first."""
    proxy = Browser(plan["nodes"], source="127.0.0.5")
    real, other = "198.51.100.50", "198.51.100.51"
    statuses = []
    for number in range(VERIFY_LIMIT + 1):
        spoofed = f"203.0.113.{number + 1}"
        response = proxy.get(number % 2, f"/verify/{plan['code']}/", headers={"X-Forwarded-For": f"{spoofed}, {real}"})
        statuses.append(response.status_code)
    spoof_ignored = statuses[-1] == 429 and all(status != 429 for status in statuses[:-1])
    second = proxy.get(0, f"/verify/{plan['code']}/", headers={"X-Forwarded-For": f"203.0.113.1, {other}"}).status_code
    proxy_entry_used = second != 429
    numbers = (
        f"TRUSTED_PROXY_HOPS={hops}; {VERIFY_LIMIT + 1} checks from one client behind the proxy with a new spoofed "
        f"first entry each: {'the last refused' if spoof_ignored else 'statuses ' + str(Counter(statuses))}; "
        f"another client behind the same proxy: {second}"
    )
    return Row(
        "client address from the trusted proxy only", PASS if spoof_ignored and proxy_entry_used else FAIL, numbers
    )


def objects_missing(s3, writes: list[Write]) -> int:
    from accreditation.models import Evidence

    names = set(
        Evidence.objects.filter(title__in=[f"Scale test {w.marker}" for w in writes if w.kind == "file"]).values_list(
            "file", flat=True
        )
    )
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys |= {item["Key"] for item in page.get("Contents", [])}
    return len(names - keys)


# ---- the whole run ----


def environment(database_url: str, s3_endpoint: str, media: Path, static: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EVIDENCE_S3_", "AWS_")) and key not in {"DATABASE_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "accreditation.settings.prod",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "false",
            # Plain http on the loopback address: no redirect to https; everything else stays production's.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "MEDIA_ROOT": str(media),
            "STATIC_ROOT": str(static),
            "EVIDENCE_S3_BUCKET": BUCKET,
            "EVIDENCE_S3_ENDPOINT_URL": s3_endpoint,
            "AWS_ACCESS_KEY_ID": "scale-test",
            "AWS_SECRET_ACCESS_KEY": "scale-test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "VERIFY_RATE_PER_MINUTE": str(VERIFY_LIMIT),
            "TRUSTED_PROXY_HOPS": "1",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def main() -> int:
    seconds = float(os.environ.get("SCALE_SECONDS") or 60)
    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server.startswith(("postgres://", "postgresql://")):
        print("make scale-test needs PostgreSQL: set DATABASE_URL to a postgres:// server address.")
        return 1
    database_url = urlsplit(server)._replace(path=f"/{DATABASE_NAME}").geturl()
    work = Path(tempfile.mkdtemp(prefix="scale-test-"))
    logs, media, static = work / "logs", work / "media", work / "static"
    logs.mkdir()
    print(f"Logs in {logs}")
    stack = Stack(logs)
    rows: list[Row] = []
    created = False

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C, and SIGINT even where a shell started the script in the background with SIGINT ignored.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        moto_port, port_a, port_b = free_ports(3)
        s3_endpoint = f"http://127.0.0.1:{moto_port}"
        env = environment(database_url, s3_endpoint, media, static)
        database_admin(server, f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        database_admin(server, f'CREATE DATABASE "{DATABASE_NAME}"')
        created = True

        step(f"object store (moto) on port {moto_port}")
        moto = stack.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], env)
        wait_for_http(s3_endpoint, moto)
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=s3_endpoint,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_DEFAULT_REGION"],
        )
        s3.create_bucket(Bucket=BUCKET)

        step("migrate, cache table, static files, demo data")
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], env, logs / "setup.log")
        run([*manage, "createcachetable"], env, logs / "setup.log")
        run([*manage, "collectstatic", "--noinput"], env, logs / "setup.log")
        run([*manage, "seed_demo"], env, logs / "setup.log")

        # The script reads the database and settings itself (the same environment), to plan and to check.
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        shared_cache = cache_is_shared(settings.CACHES["default"]["BACKEND"])
        cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]

        step(f"two web nodes (gunicorn, 2 workers each) on {port_a} and {port_b}, two task workers (worker)")
        nodes = [f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"]
        web = [
            stack.start(name, [str(BIN / "gunicorn"), "accreditation.wsgi"], {**env, "BIND": f"127.0.0.1:{port}"})
            for name, port in (("node-a", port_a), ("node-b", port_b))
        ]
        for name in ("worker-1", "worker-2"):
            stack.start(name, [*manage, "worker"], env)
        for url, process in zip(nodes, web, strict=True):
            wait_for_http(url + "/", process)

        plan = make_plan(nodes, cache_backend)
        step("checks")
        rows.append(check_file_across_nodes(plan, s3, media))
        rows.append(check_sign_out(plan))
        rows.append(check_rate_limit(plan, shared_cache))
        rows.append(check_proxy(plan, settings.TRUSTED_PROXY_HOPS))

        step(f"{USERS} signed-in users on both nodes for {seconds:.0f} s; node A killed after {seconds / 2:.0f} s")
        load_rows = load_phase(plan, stack, seconds, s3)
        rows.extend(load_rows)
        rows.append(check_workers(stack))
    except KeyboardInterrupt:
        print("\nInterrupted: stopping everything.")
        rows.append(Row("run", FAIL, "interrupted"))
    except Exception as error:
        rows.append(Row("run", FAIL, f"{error.__class__.__name__}: {error}"))
    finally:
        stack.stop_all()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if created:
            with contextlib.suppress(Exception):
                database_admin(server, f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        for folder in (media, static):
            subprocess.run(["rm", "-rf", str(folder)], check=False)
    print()
    print(render_table(rows))
    status = exit_status(rows)
    print(
        {0: "\nAll checks passed.", 1: "\nA check failed.", 2: "\nNo check failed, but some could not run."}[status]
        + f" Logs: {logs}"
    )
    return status


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def make_plan(nodes: list[str], cache_backend: str) -> dict:
    from accreditation.models import Assessment, ServiceMembership, User
    from awards.models import Award

    willow = Assessment.objects.get(service__name="Willow Ward")
    codes = list(
        willow.responses.order_by("standard__value__order", "standard__order").values_list("standard__code", flat=True)
    )
    writers = [number for number, (_, _, role) in enumerate(CAST) if role == "narrative"]
    narratives = {
        number: [f"/portfolio/{willow.pk}/standards/{code}/" for code in codes[index :: len(writers)]]
        for index, number in enumerate(writers)
    }
    services = {
        membership.user.email: membership.service_id
        for membership in ServiceMembership.objects.select_related("user").order_by("-role")
    }
    return {
        "nodes": nodes,
        "narratives": narratives,
        "services": services,
        "user_ids": dict(User.objects.values_list("email", "pk")),
        "code": Award.objects.values_list("verification_code", flat=True).first(),
        "cache": cache_backend,
    }


def load_phase(plan: dict, stack: Stack, seconds: float, s3) -> list[Row]:
    load = Load()
    users = [User(n, email, password, role, plan, load) for n, (email, password, role) in enumerate(CAST)]
    for user in users:
        user.start()
    for user in users:
        user.signed_in.wait(timeout=120)
    load.until = time.monotonic() + seconds
    load.go.set()
    time.sleep(seconds / 2)
    load.killed_at = time.monotonic()
    killed = stack.kill("node-a")
    deadline = time.monotonic() + 5
    while (left := [pid for pid in killed if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for user in users:
        user.join(timeout=seconds + 60)
    from accreditation.models import Response

    narrative_ids = set(Response.objects.filter(assessment__service__name="Willow Ward").values_list("pk", flat=True))
    stored = stored_markers(load.acknowledged, narrative_ids)
    lost = [w for w in load.acknowledged if w.marker not in stored]
    cut = [w for w in load.cut_writes if w is not None]
    cut_committed = len(stored_markers(cut, narrative_ids))
    missing_objects = objects_missing(s3, load.acknowledged)
    by_a_before = [w for w in load.acknowledged if w.node == 0 and w.at < load.killed_at]
    lost_by_a = [w for w in by_a_before if w.marker not in stored]
    total = sum(load.ok.values())
    kinds = Counter(w.kind for w in load.acknowledged)
    errors = load.errors
    first_errors = "; ".join(errors[:3])
    load_ok = not errors and not lost and not missing_objects and total > 0 and len(load.acknowledged) > 0
    rows = [
        Row(
            f"{USERS} users on both nodes for {seconds:.0f} s",
            PASS if load_ok else FAIL,
            f"{total:,} requests answered (A {load.ok[0]:,}, B {load.ok[1]:,}); errors {len(errors)}"
            f"{' (' + first_errors + ')' if errors else ''}; writes acknowledged {len(load.acknowledged)} "
            f"({kinds['narrative']} narratives, {kinds['note']} notes, {kinds['file']} files), lost {len(lost)}, "
            f"files missing from the bucket {missing_objects}; stale-version refusals {load.conflicts}",
        )
    ]
    b_served = load.ok_after_kill_on_b > 0 and not any("node B" in error for error in errors)
    kill_ok = b_served and not left and by_a_before and not lost_by_a and not lost
    rows.append(
        Row(
            "node A killed mid-run (SIGKILL)",
            PASS if kill_ok else FAIL,
            f"killed pids {killed} ({len(left)} left); B answered {load.ok_after_kill_on_b:,} after the kill; "
            f"failed over to B: {load.failovers} refused + {load.cut} cut reads; writes cut in flight {len(cut)} "
            f"({cut_committed} committed anyway, none acknowledged); acknowledged by A before the kill "
            f"{len(by_a_before)}, lost {len(lost_by_a)}",
        )
    )
    return rows


def stored_markers(writes: list[Write], narrative_ids: set[int]) -> set[str]:
    from accreditation.models import Evidence, Response

    narratives = "\n".join(Response.objects.filter(pk__in=narrative_ids).values_list("narrative", flat=True))
    titles = dict(Evidence.objects.filter(title__startswith="Scale test [scale ").values_list("title", "file"))
    found = set()
    for write in writes:
        if write.kind == "narrative":
            if write.marker in narratives:
                found.add(write.marker)
        elif (title := f"Scale test {write.marker}") in titles and (write.kind == "note" or titles[title]):
            found.add(write.marker)
    return found


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (killed, waiting only to be reaped by whoever adopted it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def check_workers(stack: Stack) -> Row:
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
        time.sleep(0.5)
    alive = [name for name in ("worker-1", "worker-2") if stack.processes[name].poll() is None]
    statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
    worker_ids = {worker for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for worker in ids}
    waiting = statuses.get("READY", 0) + statuses.get("RUNNING", 0)
    ok = len(alive) == 2 and not waiting and not statuses.get("FAILED")
    return Row(
        "two task workers share the queue",
        PASS if ok else FAIL,
        f"alive {len(alive)}/2; tasks {dict(statuses)}; done by {len(worker_ids)} worker(s); waiting {waiting}",
    )


if __name__ == "__main__":
    sys.exit(main())
