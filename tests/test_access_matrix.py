"""Every URL of the project, for every role: who may see it, and that everyone else gets a 404 (or, signed out,
the sign-in page). The URLs come from the URL configuration, so a new URL must be added to RULES or this fails.

The world: service A has been through the whole cycle (portfolio, review, decision, award with its PDF), so
every URL has a real object behind it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from awards.models import Appeal, Award
from awards.services import PanelSeat, appeal_lodge, decision_record
from tests.factories import MembershipFactory, UserFactory
from workflow.scheduler import heartbeat

pytestmark = pytest.mark.django_db

ANON, MEMBER_A, LEAD_A, MEMBER_B, REVIEWER_A, REVIEWER_OTHER, REVIEWER_SAME_ORG, ADMIN = (
    "anonymous",
    "member of A",
    "lead of A",
    "member of B",
    "reviewer assigned to A",
    "reviewer not assigned",
    "reviewer from A's organisation",
    "administrator",
)
SIGNED_IN = [MEMBER_A, LEAD_A, MEMBER_B, REVIEWER_A, REVIEWER_OTHER, REVIEWER_SAME_ORG, ADMIN]
EVERYONE = [ANON, *SIGNED_IN]
TEAM = {MEMBER_A, LEAD_A, ADMIN}
TEAM_AND_REVIEWER = TEAM | {REVIEWER_A}
REVIEW = {ADMIN, REVIEWER_A}

PUBLIC = "public"  # anyone, signed in or not

# URL name -> who may see it (get anything but a 404). Everyone else signed in gets a 404; anonymous visitors
# are sent to sign in. PUBLIC pages answer everyone.
RULES: dict[str, object] = {
    "home": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_change": set(SIGNED_IN),
    "password_change_done": set(SIGNED_IN),
    "standards:current": PUBLIC,
    "standards:edition": PUBLIC,
    "standards:value": PUBLIC,
    "public:register": PUBLIC,
    "public:verify_form": PUBLIC,
    "public:verify": PUBLIC,
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "services:detail": TEAM,
    "services:start": TEAM,
    "portfolio:overview": TEAM,
    "portfolio:value": TEAM,
    "portfolio:standard": TEAM,
    "portfolio:link": TEAM,
    "portfolio:unlink": TEAM,
    "portfolio:submit": TEAM,
    "portfolio:submitted": TEAM,
    "evidence:library": TEAM,
    "evidence:add": TEAM,
    "evidence:detail": TEAM,
    "evidence:links": TEAM,
    "evidence:new_version": TEAM,
    "evidence:delete": TEAM,
    "evidence:download": TEAM_AND_REVIEWER,
    "reviews:programme": {ADMIN},
    "reviews:review": REVIEW,
    "reviews:assign": REVIEW,
    "reviews:remove": REVIEW,
    "reviews:return": REVIEW,
    "reviews:resume": REVIEW,
    "reviews:rounds": REVIEW,
    "reviews:visit": REVIEW,
    "reviews:consensus": REVIEW,
    "reviews:report": REVIEW,
    "reviews:release": REVIEW,
    "reviews:finalise": REVIEW,
    "reviews:released": REVIEW,
    "reviews:finalised": REVIEW,
    "reviews:history": {ADMIN},
    "reviews:team_report": TEAM,
    "reviews:assignment": {REVIEWER_A},
    "reviews:score": {REVIEWER_A},
    "reviews:score_value": {REVIEWER_A},
    "reviews:submit": {REVIEWER_A},
    "awards:decision": TEAM_AND_REVIEWER,
    "awards:decision_recorded": TEAM_AND_REVIEWER,
    "awards:appeal": TEAM_AND_REVIEWER,
    "awards:appeal_outcome": TEAM_AND_REVIEWER,
    "awards:condition_met": TEAM_AND_REVIEWER,
    "awards:award": TEAM_AND_REVIEWER,
    "awards:report_status": TEAM_AND_REVIEWER,
    "awards:report_download": TEAM_AND_REVIEWER,
    "awards:report_retry": TEAM_AND_REVIEWER,
    "awards:action": TEAM_AND_REVIEWER,
    "awards:action_done": TEAM_AND_REVIEWER,
}
# Django's admin is checked model by model in tests/accreditation/test_admin.py; here, only that it is closed.
SKIPPED_NAMESPACES = {"admin"}


def all_url_names() -> list[tuple[str, list[str]]]:
    """(name, parameters) of every named URL in the project, namespaces included."""
    found = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{namespace}{entry.name}", list(entry.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_url_is_classified():
    names = {name for name, _ in all_url_names() if name.split(":")[0] not in SKIPPED_NAMESPACES}
    unclassified = names - set(RULES)
    assert not unclassified, f"Add these URLs to RULES with who may see them: {sorted(unclassified)}"
    assert not set(RULES) - names, "RULES names URLs that no longer exist"


SECRET_NARRATIVE = "We do this."  # every narrative of A's portfolio (tests.conftest.complete)


@pytest.fixture
def world(
    report_final, administrator, team_lead, team_member, lead_reviewer, service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the award's PDF is made, so it can be downloaded
        decision = decision_record(
            assessment=report_final,
            by=administrator,
            outcome="awarded",
            decided_on=timezone.localdate(),
            rationale="Meets the standards.",
            panel=[PanelSeat("Chris Chair", "chair"), PanelSeat("Lou Lived", "lived_experience")],
        )
    appeal_lodge(decision=decision, by=team_lead, grounds="A point of fact.")
    heartbeat(worker_id="matrix")  # a task worker runs, so /readyz/ is ready
    award = Award.objects.get(assessment=report_final)
    evidence = report_final.responses.first().evidence.first()
    assignment = report_final.assignments.get(reviewer=lead_reviewer)
    people = {
        MEMBER_A: team_member,
        LEAD_A: team_lead,
        MEMBER_B: MembershipFactory(user__email="b@example.org").user,
        REVIEWER_A: lead_reviewer,
        REVIEWER_OTHER: UserFactory(is_reviewer=True, email="other.reviewer@example.org"),
        REVIEWER_SAME_ORG: MembershipFactory(
            service__organisation=service.organisation, user__is_reviewer=True, user__email="same.org@example.org"
        ).user,
        ADMIN: administrator,
    }
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    values = {
        "service_id": service.pk,
        "value_code": "BEL",
        "standard_code": "BEL.1",
        "evidence_id": evidence.pk,
        "assignment_id": assignment.pk,
        "reference": award.reference,
        "version": 1,
        "action": "interim",
        "appeal_id": Appeal.objects.get().pk,
        "decision_id": decision.pk,
        "condition_id": 1,
        "uidb64": urlsafe_base64_encode(force_bytes(team_member.pk)),
        "token": default_token_generator.make_token(team_member),
    }
    pk_for = {
        "evidence": evidence.pk,
        "reviews:assignment": assignment.pk,
        "reviews:score": assignment.pk,
        "reviews:score_value": assignment.pk,
        "reviews:submit": assignment.pk,
    }
    urls = {}
    for name, params in all_url_names():
        if name.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        kwargs = {}
        for param in params:
            if param == "pk":
                kwargs["pk"] = pk_for.get(name, pk_for.get(name.split(":")[0], report_final.pk))
            elif param == "code":
                kwargs["code"] = award.verification_code if name.startswith("public:") else report_final.edition.code
            else:
                kwargs[param] = values[param]
        urls[name] = reverse(name, kwargs=kwargs)
    return {"people": people, "urls": urls, "award": award}


def test_each_role_sees_exactly_what_it_may_and_gets_404_elsewhere(client, world):
    failures = []
    for role in EVERYONE:
        client.logout()
        if role != ANON:
            client.force_login(world["people"][role])
        for name, url in world["urls"].items():
            allowed = RULES[name]
            response = client.get(url)
            status = response.status_code
            if allowed == PUBLIC:
                ok = status in (200, 302, 405)
            elif role == ANON:
                ok = status == 302 and response["Location"].startswith(reverse("login"))
            elif role in allowed:
                ok = status in (200, 302, 403, 405)
            else:
                ok = status == 404
            if not ok:
                failures.append(f"GET {name} as {role}: {status}")
            if allowed != PUBLIC and role not in allowed:
                # Outsiders' actions are refused before anything else is looked at, whatever the method.
                status = client.post(url, {"reason": "x", "grounds": "x", "note": "x", "confirm": "on"}).status_code
                expected = 302 if role == ANON else 404
                if status != expected:
                    failures.append(f"POST {name} as {role}: {status}")
    assert not failures, "\n".join(failures)
    world["award"].refresh_from_db()
    assert world["award"].status == "valid", "no outsider's POST changed anything"


def test_nothing_leaks_through_lists_search_or_counts(client, world):
    award = world["award"]
    evidence_title = award.assessment.responses.first().evidence.first().title
    for role in (MEMBER_B, REVIEWER_OTHER, REVIEWER_SAME_ORG):
        client.force_login(world["people"][role])
        for url in (
            reverse("home"),
            reverse("public:register") + f"?q={award.service.name}",
            reverse("standards:current"),
        ):
            page = client.get(url, follow=True).content.decode()
            assert SECRET_NARRATIVE not in page, (role, url)
            assert evidence_title not in page, (role, url)
            assert "A point of fact." not in page, (role, url)


def test_the_admin_is_closed_to_everyone_but_administrators(client, world):
    for role in SIGNED_IN:
        client.force_login(world["people"][role])
        status = client.get(reverse("admin:index")).status_code
        assert status == (200 if role == ADMIN else 302), role


def test_list_querysets_agree_with_the_permissions_object_by_object(world, team_lead, service):
    """Lists use `visible_to(user)`, pages ask the `rules` permission: for every role of this world, both give the
    same answer for every object, so nothing a page would refuse can appear in a list."""
    from django.contrib.auth.models import AnonymousUser

    from accreditation.models import Assessment, Evidence, Service
    from accreditation.services.assessments import assessment_start

    # Service B gets a portfolio too, so every role has things on both sides of the line.
    service_b = world["people"][MEMBER_B].memberships.get().service
    assessment_start(service=service_b, by=world["people"][ADMIN])
    inactive = UserFactory(is_active=False, is_administrator=True, email="gone@example.org")
    people = {**world["people"], ANON: AnonymousUser(), "inactive administrator": inactive}
    checks = [
        (Service, "accreditation.view_service", lambda obj: obj),
        (Assessment, "accreditation.view_portfolio", lambda obj: obj),
        (Evidence, "accreditation.see_evidence", lambda obj: obj),
        (Award, "awards.view_award", lambda obj: obj.assessment),
    ]
    disagreements = []
    for model, permission, subject in checks:
        objects = list(model.objects.all())
        assert objects, model
        for role, user in people.items():
            listed = set(model.objects.visible_to(user).values_list("pk", flat=True))
            for obj in objects:
                allowed = user.has_perm(permission, subject(obj))
                if allowed != (obj.pk in listed):
                    disagreements.append(f"{model.__name__} {obj} for {role}: permission {allowed}, list {not allowed}")
    assert not disagreements, "\n".join(disagreements)
    # The world has both answers for each kind of object.
    assert Assessment.objects.visible_to(people[MEMBER_B]).count() == 1
    assert Award.objects.visible_to(people[REVIEWER_A]).count() == 1
    assert Award.objects.visible_to(people[REVIEWER_SAME_ORG]).count() == 0
