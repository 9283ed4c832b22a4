"""`make audit`: Lighthouse and pa11y on every page type, signed in as the person who uses it. Prints one table.

Seeds a database of its own (SQLite in a temporary folder: migrate + seed_demo), collects the static files as
production does, serves the site with gunicorn (DEBUG off, whitenoise), gives each role a session cookie and runs
Lighthouse (mobile, performance and accessibility) and pa11y (axe and HTML_CodeSniffer, WCAG 2 AA) on each page with
Debian's Chromium. Exits 1 if any page misses a target.

    python audit/run.py [--only TEXT] [--skip-pa11y] [--skip-lighthouse] [--plain-static] [--keep]

The npm packages (pinned in audit/package.json) are installed into audit/node_modules by `make audit`; no browser is
downloaded. Each page's Lighthouse report is kept in audit/reports/ (not committed) for the details.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "audit"
REPORTS = AUDIT / "reports"
NODE_BIN = AUDIT / "node_modules" / ".bin"
CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]

TARGET_PERFORMANCE = 98
TARGET_ACCESSIBILITY = 100
TARGET_PA11Y_ERRORS = 0


@dataclass
class Page:
    label: str
    role: str
    url: str
    cookie: str = ""
    performance: int | None = None
    accessibility: int | None = None
    pa11y_errors: int | None = None
    # axe's "incomplete" results: what it could not decide (text over a background image, such as the arrow of a
    # <select>), for a person to look at. Listed, never counted as errors (Lighthouse's axe does the same).
    pa11y_to_review: int | None = None
    problems: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def misses(self) -> list[str]:
        missed = []
        if self.performance is not None and self.performance < TARGET_PERFORMANCE:
            missed.append("performance")
        if self.accessibility is not None and self.accessibility < TARGET_ACCESSIBILITY:
            missed.append("accessibility")
        if self.pa11y_errors is not None and self.pa11y_errors > TARGET_PA11Y_ERRORS:
            missed.append("pa11y")
        return missed + (["failed"] if self.problems else [])


def table(pages: list[Page]) -> str:
    """One row a page: page | role | perf | a11y | pa11y errors, with a mark where a target is missed."""

    def cell(value, missed: bool) -> str:
        if value is None:
            return "–"
        return f"{value} ✗" if missed else str(value)

    rows = [("page", "role", "perf", "a11y", "pa11y errors", "to review")]
    for page in pages:
        missed = page.misses()
        rows.append(
            (
                page.label,
                page.role,
                cell(page.performance, "performance" in missed),
                cell(page.accessibility, "accessibility" in missed),
                cell(page.pa11y_errors, "pa11y" in missed),
                cell(page.pa11y_to_review, False),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append(" | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def discover_pages() -> list[Page]:
    """Every page type, at a demo object in the state where the page matters, with the person who uses it."""
    import django
    from django.test import Client
    from django.urls import reverse

    django.setup()
    from accreditation.models import Assessment, Evidence, User
    from awards.models import Award
    from reviews.models import Assignment
    from standards.models import Edition

    def user(email: str) -> User:
        return User.objects.get(email=email)

    draft = Assessment.objects.filter(status="draft").select_related("service").first()
    team_lead = User.objects.filter(memberships__service=draft.service, memberships__role="lead").first()
    evidence = Evidence.objects.filter(service=draft.service).first()
    scoring = Assignment.objects.filter(assessment__status="in_review", is_lead=False, status="accepted").first()
    leading = Assignment.objects.filter(assessment__status="in_review", is_lead=True, status="accepted").first()
    reporting = Assignment.objects.filter(
        assessment__status__in=["report_draft", "report_final"], is_lead=True, status="accepted"
    ).first()
    award = Award.objects.select_related("assessment__service").first()
    awarded_team = User.objects.filter(memberships__service=award.assessment.service, is_reviewer=False).first()
    edition = Edition.objects.filter(status="published").first() or Edition.objects.first()
    admin = user("admin@example.org")
    value = "BEL"
    standard = "BEL.1"
    portfolio = {"pk": draft.pk}
    on_value = {**portfolio, "value_code": value}
    on_standard = {**portfolio, "standard_code": standard}

    pages = [
        ("landing", None, "/"),
        ("sign in", None, reverse("login")),
        ("standards", None, reverse("standards:edition", args=[edition.code])),
        ("standards value", None, reverse("standards:value", args=[edition.code, value])),
        ("register", None, reverse("public:register")),
        ("verify form", None, reverse("public:verify_form")),
        ("verify result", None, reverse("public:verify", args=[award.verification_code])),
        ("home", team_lead, "/"),
        ("service", team_lead, reverse("services:detail", args=[draft.service_id])),
        ("portfolio overview", team_lead, reverse("portfolio:overview", kwargs=portfolio)),
        ("portfolio value", team_lead, reverse("portfolio:value", kwargs=on_value)),
        ("portfolio standard", team_lead, reverse("portfolio:standard", kwargs=on_standard)),
        ("portfolio submit", team_lead, reverse("portfolio:submit", kwargs=portfolio)),
        ("evidence library", team_lead, reverse("evidence:library", args=[draft.service_id])),
        ("evidence add", team_lead, reverse("evidence:add", args=[draft.service_id])),
        ("evidence detail", team_lead, reverse("evidence:detail", args=[evidence.pk])),
        ("change password", team_lead, reverse("password_change")),
        ("home", scoring.reviewer, "/"),
        ("assignment", scoring.reviewer, reverse("reviews:assignment", args=[scoring.pk])),
        ("score", scoring.reviewer, reverse("reviews:score", args=[scoring.pk])),
        ("score value", scoring.reviewer, reverse("reviews:score_value", args=[scoring.pk, value])),
        ("review", leading.reviewer, reverse("reviews:review", args=[leading.assessment_id])),
        ("visit", leading.reviewer, reverse("reviews:visit", args=[leading.assessment_id])),
        ("consensus", reporting.reviewer, reverse("reviews:consensus", args=[reporting.assessment_id])),
        ("report", reporting.reviewer, reverse("reviews:report", args=[reporting.assessment_id])),
        ("review rounds", reporting.reviewer, reverse("reviews:rounds", args=[reporting.assessment_id])),
        ("home", awarded_team, "/"),
        ("decision", awarded_team, reverse("awards:decision", args=[award.assessment_id])),
        ("award", awarded_team, reverse("awards:award", args=[award.reference])),
        ("team report", awarded_team, reverse("reviews:team_report", args=[award.assessment_id])),
        ("home", admin, "/"),
        ("programme", admin, reverse("reviews:programme")),
        ("score history", admin, reverse("reviews:history", args=[reporting.assessment_id])),
        ("decision to record", admin, reverse("awards:decision", args=[reporting.assessment_id])),
        ("decision", admin, reverse("awards:decision", args=[award.assessment_id])),
        ("award", admin, reverse("awards:award", args=[award.reference])),
    ]
    cookies: dict[int, str] = {}
    found = []
    for label, person, url in pages:
        role = "anonymous"
        cookie = ""
        if person is not None:
            role = role_of(person)
            if person.pk not in cookies:
                client = Client()
                client.force_login(person)
                cookies[person.pk] = client.cookies["sessionid"].value
            cookie = f"sessionid={cookies[person.pk]}"
        found.append(Page(label, role, url, cookie))
    return found


def role_of(person) -> str:
    if person.is_administrator:
        return "administrator"
    if person.is_reviewer:
        return "reviewer"
    return "team"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(base: str, page: Page) -> int:
    request = urllib.request.Request(base + page.url, headers={"Cookie": page.cookie} if page.cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(NoRedirect).open(request, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def lighthouse_once(base: str, page: Page, report: Path) -> dict | None:
    """One Lighthouse run: its categories, or None (and the reason in page.problems)."""
    command = [
        str(NODE_BIN / "lighthouse"),
        base + page.url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--quiet",
    ]
    if page.cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': page.cookie})}")
    for _attempt in range(2):  # Lighthouse now and then fails to record a trace (NO_NAVSTART): once more, then say so
        report.unlink(missing_ok=True)
        result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if not result.returncode and report.exists() and "runtimeError" not in json.loads(report.read_text()):
            return json.loads(report.read_text())["categories"]
    page.problems.append(f"lighthouse: {result.stderr.strip()[-400:]}")
    return None


def lighthouse(base: str, page: Page, number: int) -> None:
    """Lighthouse's mobile scores. A page below target is measured twice more and given the median of the three, as
    Lighthouse's authors advise: on a shared machine another process can stall the browser for a second, which
    Lighthouse counts as the page's own blocking time."""
    stem = f"{number:02d}-{page.role}-{page.label.replace(' ', '-')}"
    runs = []
    for attempt in range(3):
        categories = lighthouse_once(base, page, REPORTS / f"{stem}{'' if attempt == 0 else f'-{attempt + 1}'}.json")
        if categories is None:
            return
        runs.append(tuple(round(100 * (categories[name]["score"] or 0)) for name in ("performance", "accessibility")))
        if attempt == 0 and runs[0][0] >= TARGET_PERFORMANCE:
            break
    page.performance = sorted(run[0] for run in runs)[len(runs) // 2]
    page.accessibility = min(run[1] for run in runs)
    if len(runs) > 1:
        page.details.append(f"performance {', '.join(str(run[0]) for run in runs)}: the median counts")


def pa11y(base: str, page: Page, workdir: Path) -> None:
    config = workdir / "pa11y.json"
    config.write_text(
        json.dumps(
            {
                "headers": {"Cookie": page.cookie} if page.cookie else {},
                "chromeLaunchConfig": {"executablePath": CHROMIUM, "args": CHROME_FLAGS[1:]},
                "timeout": 60000,
                "levelCapWhenNeedsReview": "warning",
                "includeWarnings": True,
            }
        )
    )
    command = [
        str(NODE_BIN / "pa11y"),
        "--config",
        str(config),
        "--standard",
        "WCAG2AA",
        "--runner",
        "axe",
        "--runner",
        "htmlcs",
        "--reporter",
        "json",
        base + page.url,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        issues = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        page.problems.append(f"pa11y: {(result.stderr or result.stdout).strip()[-400:]}")
        return
    errors = [issue for issue in issues if issue.get("type") == "error"]
    to_review = [issue for issue in issues if (issue.get("runnerExtras") or {}).get("needsFurtherReview")]
    page.pa11y_errors = len(errors)
    page.pa11y_to_review = len(to_review)
    for issue in errors:
        page.details.append(f"{issue.get('code')}: {issue.get('message')} [{issue.get('selector')}]")
    for issue in to_review:
        page.details.append(f"to review, {issue.get('code')}: [{issue.get('selector')}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", action="append", help="only pages whose label or role contains this text (may be repeated)"
    )
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-pa11y", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and static files")
    parser.add_argument(
        "--plain-static",
        action="store_true",
        help="serve static files as `make run` does (uncompressed, not hashed) rather than as production does",
    )
    args = parser.parse_args()
    for tool in ("lighthouse", "pa11y"):
        if not (NODE_BIN / tool).exists():
            print(f"{tool} is not installed: run `make audit` (or npm ci --prefix audit).", file=sys.stderr)
            return 2

    workdir = Path(tempfile.mkdtemp(prefix="enabling-audit-"))
    os.environ["AUDIT_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "audit.settings"
    if args.plain_static:
        os.environ["AUDIT_PLAIN_STATIC"] = "1"
    sys.path.insert(0, str(ROOT))
    env = {**os.environ}
    REPORTS.mkdir(exist_ok=True)
    for old in REPORTS.glob("*.json"):
        old.unlink()
    server = None
    pages: list[Page] = []
    measured = 0
    try:
        print(f"Seeding the demo database in {workdir}…", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        if not args.plain_static:
            manage(env, "collectstatic", "--noinput")
        pages = discover_pages()
        if args.only:
            pages = [page for page in pages if any(text in page.label or text in page.role for text in args.only)]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "gunicorn", "audit.wsgi:application", "--config", "gunicorn.conf.py"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
        server = subprocess.Popen(command, cwd=ROOT, env={**env, "ACCESS_LOG": ""}, start_new_session=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        for number, page in enumerate(pages, start=1):
            status = answers(base, page)
            print(f"[{number}/{len(pages)}] {page.label} ({page.role}) {page.url} → {status}", flush=True)
            if status != 200:
                page.problems.append(f"answered {status}, not 200")
                continue
            if not args.skip_lighthouse:
                lighthouse(base, page, number)
            if not args.skip_pa11y:
                pa11y(base, page, workdir)
            for line in page.problems + page.details:
                print(f"    {line}", flush=True)
            measured = number
    except KeyboardInterrupt:
        print("Stopped: the table shows the pages measured so far.")
        pages = pages[:measured]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(table(pages))
    missed = [page for page in pages if page.misses()]
    print()
    print(
        f"Targets: performance ≥ {TARGET_PERFORMANCE} (mobile), accessibility {TARGET_ACCESSIBILITY}, "
        f"pa11y errors {TARGET_PA11Y_ERRORS}. {len(pages) - len(missed)} of {len(pages)} pages meet them."
    )
    print(f"Lighthouse reports: {REPORTS.relative_to(ROOT)}/")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
