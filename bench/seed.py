"""A programme-scale dataset, made with bulk inserts: 60 standards, 150 organisations, 500 services, 600
assessments in every state, 20 evidence items per service, 3 reviewers per reviewed assessment, 200 awards."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accreditation.models import (
    Assessment,
    Evidence,
    EvidenceLink,
    Organisation,
    Response,
    Service,
    ServiceMembership,
    Submission,
    User,
)
from awards.models import Award, Decision, PanelMember
from reviews.models import (
    Assignment,
    ConsensusScore,
    ReviewerScore,
    ReviewReport,
    ReviewRound,
    ReviewSubmission,
    Visit,
)
from standards.models import AwardRule, Edition, Standard, Value

PASSWORD = "bench-password-2026"
VALUES = ["BEL", "BOU", "COM", "DEV", "INV", "SAF", "STR", "EMP", "LEA", "OPE"]
S = Assessment.Status
# The current assessment of the 500 services, by state; 100 services also have an older, decided one.
CURRENT_STATES = (
    [S.DRAFT] * 120
    + [S.SUBMITTED] * 40
    + [S.IN_REVIEW] * 60
    + [S.RETURNED] * 20
    + [S.RESUBMITTED] * 20
    + [S.REPORT_DRAFT] * 20
    + [S.REPORT_FINAL] * 20
    + [S.DEFERRED] * 20
    + [S.DECIDED] * 180
)
REVIEWED = {S.IN_REVIEW, S.RETURNED, S.RESUBMITTED, S.REPORT_DRAFT, S.REPORT_FINAL, S.DEFERRED, S.DECIDED}
WITH_CONSENSUS = {S.REPORT_DRAFT, S.REPORT_FINAL, S.DEFERRED, S.DECIDED}
SCORES = ["met", "met", "met", "partly_met", "not_met"]
NARRATIVE = (
    "Staff and people who use the service meet every week to talk about how the place feels. "
    "This standard is part of that conversation: we agree what to try, review it together and keep minutes.\n"
) * 4


def seed(out=print) -> dict:
    started = timezone.now()
    with transaction.atomic():
        edition = _edition()
        password = make_password(PASSWORD)
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench organisation {n:03d}", kind="nhs_trust") for n in range(150)
        )
        today = timezone.localdate()
        services = Service.objects.bulk_create(
            Service(
                organisation=organisations[n % 150],
                name=f"Bench service {n:03d}",
                setting_type=Service.SettingType.values[n % 9],
                region=Service.Region.values[n % 12],
                joined_on=today - datetime.timedelta(days=300),
                portfolio_due_on=today + datetime.timedelta(days=65),
            )
            for n in range(500)
        )
        people = User.objects.bulk_create(
            User(email=f"{role}{n:03d}@bench.example.org", full_name=f"{role.title()} {n:03d}", password=password)
            for n in range(500)
            for role in ("lead", "member", "staff")
        )
        ServiceMembership.objects.bulk_create(
            ServiceMembership(user=person, service=services[index // 3], role="lead" if index % 3 == 0 else "member")
            for index, person in enumerate(people)
        )
        reviewers = User.objects.bulk_create(
            User(
                email=f"reviewer{n:03d}@bench.example.org",
                full_name=f"Reviewer {n:03d}",
                password=password,
                is_reviewer=True,
            )
            for n in range(60)
        )
        admin = User.objects.create(
            email="admin@bench.example.org", full_name="Bench Admin", password=password, is_administrator=True
        )
        out(f"  people and services: {(timezone.now() - started).total_seconds():.1f} s")

        assessments = []
        for n, service in enumerate(services):
            assessments.append(
                Assessment(
                    service=service,
                    edition=edition,
                    status=CURRENT_STATES[n],
                    due_on=service.portfolio_due_on,
                    started_by=people[3 * n],
                )
            )
        for n in range(100):
            assessments.append(
                Assessment(
                    service=services[n * 5 + 1],
                    edition=edition,
                    status=S.DECIDED,
                    due_on=today,
                    started_by=people[3 * (n * 5 + 1)],
                )
            )
        # A service's older, decided assessment and its current one must not both be open: the older ones are decided.
        assessments = Assessment.objects.bulk_create(assessments)
        standards = list(edition.standards.order_by("value__order", "order"))
        responses = Response.objects.bulk_create(
            Response(
                assessment=assessment,
                standard=standard,
                rating=SCORES[(i + j) % 5],
                narrative=NARRATIVE,
                version=1,
                updated_by_id=assessment.started_by_id,
                updated_at=started,
            )
            for i, assessment in enumerate(assessments)
            for j, standard in enumerate(standards)
        )
        out(f"  600 assessments, {len(responses):,} responses: {(timezone.now() - started).total_seconds():.1f} s")

        evidence = Evidence.objects.bulk_create(
            Evidence(
                service=service,
                title=f"Evidence {k:02d} of {service.name}",
                description="Minutes, survey results or a policy.",
                kind=Evidence.Kind.values[k % 7],
                effective_on=today - datetime.timedelta(days=k * 9),
                owner_id=people[3 * n].pk,
                created_by_id=people[3 * n].pk,
                no_personal_data=True,
                lineage=uuid.uuid4(),
            )
            for n, service in enumerate(services)
            for k in range(20)
        )
        by_service = {}
        for item in evidence:
            by_service.setdefault(item.service_id, []).append(item)
        links = []
        for index, response in enumerate(responses):
            items = by_service[assessments[index // 60].service_id]
            for offset in (0, 7):  # every standard two items; every item supports several standards
                links.append(
                    EvidenceLink(
                        response=response,
                        evidence=items[(index + offset) % 20],
                        linked_by_id=assessments[index // 60].started_by_id,
                    )
                )
        EvidenceLink.objects.bulk_create(links, batch_size=5000)
        elapsed = (timezone.now() - started).total_seconds()
        out(f"  {len(evidence):,} evidence items, {len(links):,} links: {elapsed:.1f} s")

        submissions = Submission.objects.bulk_create(
            Submission(assessment=a, number=1, submitted_by_id=a.started_by_id, snapshot={})
            for a in assessments
            if a.status != S.DRAFT
        )
        rounds = {
            review_round.assessment_id: review_round
            for review_round in ReviewRound.objects.bulk_create(
                ReviewRound(assessment_id=s.assessment_id, number=1, submission=s, opened_at=started)
                for s in submissions
            )
        }
        assignments = []
        for n, assessment in enumerate(assessments):
            if assessment.status not in REVIEWED:
                continue
            for slot in range(3):
                reviewer = reviewers[(n * 3 + slot) % 60]
                assignments.append(
                    Assignment(
                        assessment=assessment,
                        reviewer=reviewer,
                        is_lead=slot == 0,
                        status=Assignment.Status.ACCEPTED,
                        due_on=today + datetime.timedelta(days=20 - n % 40),
                        assigned_by=admin,
                        responded_at=started,
                        no_conflict_declared_at=started,
                    )
                )
        assignments = Assignment.objects.bulk_create(assignments)
        ReviewSubmission.objects.bulk_create(
            ReviewSubmission(assignment=a, round=rounds[a.assessment_id], submitted_at=started)
            for a in assignments
            if a.assessment.status != S.IN_REVIEW or not a.is_lead
        )
        responses_by_assessment = {}
        for response in responses:
            responses_by_assessment.setdefault(response.assessment_id, []).append(response)
        ReviewerScore.objects.bulk_create(
            (
                ReviewerScore(
                    assignment=assignment,
                    round=rounds[assignment.assessment_id],
                    response=response,
                    score=SCORES[(j + index) % 5],
                    comment="Clear evidence in the minutes; residents confirmed it on the visit.",
                )
                for index, assignment in enumerate(assignments)
                for j, response in enumerate(responses_by_assessment[assignment.assessment_id])
            ),
            batch_size=5000,
        )
        consensus_assessments = [a for a in assessments if a.status in WITH_CONSENSUS]
        ConsensusScore.objects.bulk_create(
            (
                ConsensusScore(
                    response=response,
                    score="met" if j % 9 else "partly_met",
                    reason="Agreed.",
                    recorded_by_id=reviewers[0].pk,
                )
                for a in consensus_assessments
                for j, response in enumerate(responses_by_assessment[a.pk])
            ),
            batch_size=5000,
        )
        Visit.objects.bulk_create(
            Visit(
                assessment=a,
                visited_on=today,
                mode="in_person",
                met="Staff and residents",
                findings="Warm.",
                recorded_by_id=reviewers[0].pk,
            )
            for a in consensus_assessments
        )
        ReviewReport.objects.bulk_create(
            ReviewReport(
                assessment=a,
                strengths="Relationships come first.",
                areas_for_development="Weekends.",
                action_points="Plan weekends with residents.",
                released_at=started,
                team_commented_at=started if a.status != S.REPORT_DRAFT else None,
                finalised_at=started if a.status != S.REPORT_DRAFT else None,
            )
            for a in consensus_assessments
        )
        out(f"  {len(assignments):,} assignments and their scores: {(timezone.now() - started).total_seconds():.1f} s")

        decided = [a for a in assessments if a.status in (S.DECIDED, S.DEFERRED)]
        decisions = Decision.objects.bulk_create(
            Decision(
                assessment=a,
                outcome="deferred" if a.status == S.DEFERRED else "awarded",
                recommended="awarded",
                decided_on=today - datetime.timedelta(days=n % 700),
                rationale="Meets the standards.",
                recorded_by=admin,
            )
            for n, a in enumerate(decided)
        )
        PanelMember.objects.bulk_create(
            PanelMember(decision=d, name=name, role=role)
            for d in decisions
            for name, role in (("Bench Admin", "chair"), ("Lived Member", "lived_experience"))
        )
        awarded = [d for d in decisions if d.outcome == "awarded"][:200]
        Award.objects.bulk_create(
            Award(
                assessment_id=d.assessment_id,
                service_id=d.assessment.service_id,
                decision=d,
                reference=f"EE-2026-{n + 1:04d}",
                valid_from=d.decided_on,
                valid_until=d.decided_on + datetime.timedelta(days=3 * 365 - 1),
                interim_due_on=d.decided_on + datetime.timedelta(days=548),
            )
            for n, d in enumerate(awarded)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
    seconds = (timezone.now() - started).total_seconds()
    out(f"  200 awards; seeding took {seconds:.1f} s")
    return {"seconds": round(seconds, 1)}


def _edition() -> Edition:
    edition = Edition.objects.create(
        code="bench", title="Bench edition", status="published", published_on=timezone.localdate()
    )
    AwardRule.objects.create(edition=edition)
    values = Value.objects.bulk_create(
        Value(edition=edition, code=code, name=f"Value {code}", statement="What it means.", order=n)
        for n, code in enumerate(VALUES)
    )
    Standard.objects.bulk_create(
        Standard(
            edition=edition,
            value=value,
            code=f"{value.code}.{k}",
            title=f"Standard {value.code}.{k}",
            statement="Staff and people who use the service do this together.",
            guidance="Reviewers look for everyday signs of it.",
            evidence_examples="Minutes\nSurvey results\nA policy",
            type=["essential", "expected", "expected", "desirable", "essential", "expected"][k - 1],
            order=k,
        )
        for value in values
        for k in range(1, 7)
    )
    return edition
