"""Every URL of the project, for each role, with hostile path values, query strings and form bodies: no 500 anywhere.

The URLs come from walking the URL configuration, so a new URL is swept without being listed. Path values are the
world's real ones (tests.test_access_matrix) and, for the anonymous visitor and the administrator, hostile ones of the
shape each converter lets through (26-digit and zero ids, dotted codes, long and accented slugs, `..`, encoded NUL);
query strings and forms carry NUL, huge numbers, repeated keys and non-Latin text. Every request runs in a savepoint
that is rolled back, so one request's writes do not change what the next one sees. Django's admin is sampled: each
model's list with a hostile query and action, and its object pages with hostile ids."""

import re
import traceback
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests.test_access_matrix import ADMIN, ANON, LEAD_A, MEMBER_A, MEMBER_B, REVIEWER_A, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
ROLES = [ANON, MEMBER_A, LEAD_A, REVIEWER_A, ADMIN]
HUGE = "9" * 26
# Per converter: values that its pattern lets through to the view.
HOSTILE_PATH = {
    "int": [HUGE, "0", "-1"],
    "code": ["A" + "." * 19, "ZZ", "É"],
    "slug": ["x" * 300, "..", "é"],
    "str": ["é" * 100, "..", "%00"],
    "path": ["../" * 10 + "x", "é/%00", "a" * 2000],
}
HOSTILE_QUERY = {
    "q": "\x00é" * 50,
    "page": HUGE,
    "for": HUGE,
    "code": ["..", "x" * 500],
    "setting": ["a", "b"],
    "region": "\x00",
    "then": "//example.org",
    "o": "-99.1",
    "p": HUGE,
    "e": "1",
    "_changelist_filters": "%00",
}
COMMON_FIELDS = [
    *("rating", "narrative", "version", "title", "description", "kind", "effective_on", "reason", "note", "grounds"),
    *("confirm", "overall", "outcome", "decided_on", "rationale", "override_reason", "then", "for", "responses"),
    *("evidence", "reviewer", "is_lead", "due_on", "reply", "mode", "visited_on", "met", "findings", "strengths"),
    *("areas_for_development", "action_points", "comments", "text", "check_note", "result_note", "valid_until"),
    *("action", "_selected_action", "select_across", "index", "post", "q", "page", "email", "full_name", "name"),
    # The three boxes of each date (workflow.forms.UKDateField).
    *(
        f"{date}_{part}"
        for date in ("effective_on", "decided_on", "due_on", "visited_on")
        for part in ("day", "month", "year")
    ),
]


def bodies(response_ids):
    """Three hostile forms: huge numbers alone (a form that finds one bad value first would hide them); repeated keys
    of odd numbers; NUL, non-Latin and long text."""
    huge = dict.fromkeys(COMMON_FIELDS, HUGE)
    arrays = {name: ["-1", "1e309", "0", ""] for name in COMMON_FIELDS}
    text = {name: "\x00\u202eé😀" * 30 for name in COMMON_FIELDS}
    for pk in response_ids:
        huge |= {f"score-{pk}": HUGE, f"point-{pk}": HUGE}
        arrays |= {f"consensus-{pk}": ["met", "not_met"], f"score-{pk}": ["met", "x"]}
        text |= {f"comment-{pk}": "\x00" * 10, f"reason-{pk}": "é" * 4000, f"score-{pk}": "\x00"}
    huge[f"score-{HUGE}"] = "met"
    return [huge, arrays, text]


def url_patterns():
    """(name, route, regex?) of every URL pattern, admin included; route has `<converter:name>` placeholders."""
    found = []

    def walk(patterns, prefix, namespace, regex):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            is_regex = regex or isinstance(entry.pattern, RegexPattern)
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    route,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                    is_regex,
                )
            elif isinstance(entry, URLPattern):
                found.append((f"{namespace}{entry.name or ''}", route, is_regex))

    walk(get_resolver().url_patterns, "", "", False)
    return found


PLACEHOLDER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def fill(route: str, values: dict[str, str], variant: int | None) -> str:
    def value(match):
        if variant is None:
            return str(values.get(match["name"], "1"))
        return HOSTILE_PATH[match["converter"] or "str"][variant]

    return "/" + PLACEHOLDER.sub(value, route)


def real_values(urls: dict[str, str]) -> dict[str, dict[str, str]]:
    """For each named URL of the world, its real path values, read back from the URL the world made."""
    from django.urls import resolve

    return {name: resolve(url).kwargs for name, url in urls.items()}


def sweep(client, world, role, values=None, only=()) -> tuple[int, list[str]]:  # noqa: F811
    failures, count = [], 0
    values = values or real_values(world["urls"])
    response_ids = list(world["award"].assessment.responses.values_list("pk", flat=True)[:3])
    forms = bodies(response_ids)
    client.logout()
    if role != ANON:
        client.force_login(world["people"][role])

    def request(method, url, data):
        nonlocal count
        count += 1
        try:
            with transaction.atomic():
                response = getattr(client, method)(url, data)
                raise _RollBack(response.status_code)
        except _RollBack as done:
            if done.status >= 500:
                failures.append(f"{method.upper()} {url[:120]} as {role}: {done.status}")
        except Exception as error:
            failures.append(f"{method.upper()} {re.sub(r'/\d+/', '/<id>/', url)[:120]} as {role}: {_summary(error)}")

    for name, route, is_regex in url_patterns():
        admin = name.startswith("admin:")
        if admin and role != ADMIN:
            continue
        if is_regex or (only and not name.startswith(only)):
            continue  # the admin's catch-all and app index: no values to vary
        has_values = "<" in route
        if admin:
            # The admin: the list with a hostile query and action; object pages with hostile ids.
            if name.endswith("_changelist"):
                request("get", fill(route, {}, None), HOSTILE_QUERY)
                request("post", fill(route, {}, None), forms[0])
            elif has_values and not name.endswith("_add"):
                for object_id in (HUGE, "é/%00"):
                    request("get", "/" + PLACEHOLDER.sub(object_id, route), {})
            continue
        url = fill(route, values.get(name, {}), None)
        request("get", url, HOSTILE_QUERY)
        # Roles whose world is decided meet forms that refuse before reading: one form each is enough for them.
        for form in forms if role in (ADMIN, MEMBER_B) else forms[:1]:
            request("post", url, form)
        if has_values and role in (ANON, ADMIN):
            for variant in range(3):
                request("get", fill(route, values.get(name, {}), variant), HOSTILE_QUERY)
                if role == ADMIN:
                    request("post", fill(route, values.get(name, {}), variant), forms[0])
    return count, failures


def _summary(error: Exception) -> str:
    """The exception and the last line of the project's own code it went through."""
    ours = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if str(ROOT) in frame.filename and ".venv" not in frame.filename
    ]
    where = f" in {Path(ours[-1].filename).relative_to(ROOT)}:{ours[-1].lineno}" if ours else ""
    return f"{type(error).__name__}: {str(error)[:100]}{where}"


class _RollBack(Exception):
    def __init__(self, status):
        self.status = status


def draft_world(world) -> dict[str, dict]:  # noqa: F811
    """Service B's portfolio in draft with one piece of evidence: the team's forms that a decided portfolio refuses
    before reading them."""
    from accreditation.services.assessments import assessment_start
    from accreditation.services.evidence import evidence_create
    from tests.files import upload

    member = world["people"][MEMBER_B]
    service = member.memberships.get().service
    assessment = assessment_start(service=service, by=world["people"][ADMIN])
    evidence = evidence_create(
        service=service, by=member, owner=member, no_personal_data=True, title="Minutes", upload=upload("minutes.pdf")
    )
    standard = assessment.responses.select_related("standard__value").first().standard
    ids = {"pk": assessment.pk, "service_id": service.pk, "evidence_id": evidence.pk}
    codes = {"value_code": standard.value.code, "standard_code": standard.code}
    return {
        name: (ids | codes | ({"pk": evidence.pk} if name.startswith("evidence:") else {}))
        for name in world["urls"]
        if name.startswith(("portfolio:", "evidence:", "services:"))
    }


def test_no_url_answers_500_to_hostile_input(client, world, settings):  # noqa: F811
    """One world for all roles: building it is most of the cost."""
    settings.VERIFY_RATE_PER_MINUTE = 10**9
    settings.AXES_ENABLED = False
    total, failures = 0, []
    for role in ROLES:
        count, failed = sweep(client, world, role)
        total += count
        failures += failed
    count, failed = sweep(client, world, MEMBER_B, draft_world(world), only=("portfolio:", "evidence:", "services:"))
    total += count
    failures += failed
    assert total > 1000
    assert not failures, f"{len(failures)} of {total} requests failed:\n" + "\n".join(failures)
