import datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accreditation.models import Assessment, Evidence, Organisation, Response, Service, ServiceMembership, User
from accreditation.services.assessments import assessment_start, response_save
from accreditation.services.evidence import evidence_create, evidence_link
from accreditation.services.people import membership_set
from awards.models import AwardReport, Outcome, PanelMember
from awards.services import PanelSeat, decision_record
from awards.tasks import render_award_report
from reviews.models import ReportComment, Visit
from reviews.services.assignments import Reply, assignment_create, assignment_respond
from reviews.services.report import (
    consensus_save,
    report_comment_answer,
    report_comments_send,
    report_save,
    visit_save,
)
from reviews.services.rounds import portfolio_return
from reviews.services.scoring import review_submit, scores_save
from standards.models import Rating
from workflow.engine import transition

DEMO_FILES = Path(settings.BASE_DIR) / "fixtures" / "demo-evidence"

# (file name or None for a written note, title, kind, contributed by, description)
DEMO_EVIDENCE = [
    (
        "community-meeting-minutes.txt",
        "Community meeting minutes",
        Evidence.Kind.MEETING,
        Evidence.Contributor.SERVICE_USER,
        "Minutes of a weekly community meeting, chaired by a person who uses the service.",
    ),
    (
        "welcome-leaflet.pdf",
        "Welcome leaflet written with people who use the service",
        Evidence.Kind.DOCUMENT,
        Evidence.Contributor.STAFF,
        "Given to everyone on arrival; co-written at the community meeting.",
    ),
    (
        "survey-summary.csv",
        "Staff and service-user survey summary",
        Evidence.Kind.SURVEY,
        Evidence.Contributor.STAFF,
        "Mean scores per value from this year's questionnaires.",
    ),
    (
        "shared-garden.png",
        "Photo of the shared garden",
        Evidence.Kind.IMAGE,
        Evidence.Contributor.SERVICE_USER,
        "The garden people who use the service and staff planted together. No faces.",
    ),
    (
        None,
        "Note of a reflective practice session",
        Evidence.Kind.MEETING,
        Evidence.Contributor.STAFF,
        "Monthly reflective practice for staff, facilitated by a psychologist: themes discussed and actions agreed.",
    ),
]

SCORES = ["met", "partly_met", "not_met"]
COMMENTS = [
    "Clear evidence from the minutes and what residents told us.",
    "Good practice, though it depends on a few staff.",
    "Partly shown: the survey helps but there is little from residents themselves.",
    "Strong, and residents gave examples unprompted.",
]

RATINGS = [
    Rating.MET,
    Rating.MET,
    Rating.PARTLY_MET,
    Rating.MET,
    Rating.NOT_MET,
]


def narrative_for(service: Service, standard, number: int) -> str:
    openings = [
        f"On {service.name} this is part of everyday life.",
        f"This is an area {service.name} has worked on over the past year.",
        f"People who use {service.name} and staff looked at this standard together at the community meeting.",
    ]
    return (
        f"{openings[number % len(openings)]} {standard.statement}\n\n"
        "What we do: we talk about it at the weekly community meeting, and staff reflect on it in supervision.\n"
        "What people told us: in this year's survey most people who use the service agreed.\n"
        "What we want to improve: making sure new arrivals hear about it in their first week."
    )


# Memorable on purpose: these accounts exist only in demo databases.
ADMIN_PASSWORD = "demo-admin-password"
REVIEWER_PASSWORD = "demo-reviewer-password"
TEAM_PASSWORD = "demo-team-password"

PEOPLE = [
    # (e-mail, full name, reviewer, administrator, password)
    ("admin@example.org", "Alex Morgan", False, True, ADMIN_PASSWORD),
    ("reviewer1@example.org", "Priya Shah", True, False, REVIEWER_PASSWORD),
    ("reviewer2@example.org", "Tom Okafor", True, False, REVIEWER_PASSWORD),
    ("reviewer3@example.org", "Jo Reid", True, False, REVIEWER_PASSWORD),
]

# Organisation, its kind, and its services: (name, setting, region, months since joining, team).
# A team is a list of (e-mail, full name, role). Jo Reid reviews and also leads a team: people hold several roles.
ORGANISATIONS = [
    (
        "Northgate Mental Health NHS Foundation Trust",
        Organisation.Kind.NHS_TRUST,
        [
            (
                "Willow Ward",
                Service.SettingType.INPATIENT_WARD,
                Service.Region.NORTH_WEST,
                9,
                [
                    ("lead.willow@example.org", "Sam Hughes", ServiceMembership.Role.LEAD),
                    ("member.willow@example.org", "Chris Patel", ServiceMembership.Role.MEMBER),
                    ("expert.willow@example.org", "Dee Walsh", ServiceMembership.Role.MEMBER),
                ],
            ),
            (
                "Riverside Community Team",
                Service.SettingType.COMMUNITY_TEAM,
                Service.Region.NORTH_WEST,
                2,
                [
                    ("reviewer3@example.org", "Jo Reid", ServiceMembership.Role.LEAD),
                    ("member.riverside@example.org", "Ola Mensah", ServiceMembership.Role.MEMBER),
                ],
            ),
        ],
    ),
    (
        "HMP Eastmoor",
        Organisation.Kind.PRISON,
        [
            (
                "C Wing Psychologically Informed Unit",
                Service.SettingType.PRISON_WING,
                Service.Region.YORKSHIRE,
                11,
                [
                    ("lead.cwing@example.org", "Kim Baker", ServiceMembership.Role.LEAD),
                    ("member.cwing@example.org", "Lee Green", ServiceMembership.Role.MEMBER),
                ],
            ),
        ],
    ),
    (
        "Harbour Housing Trust",
        Organisation.Kind.CHARITY,
        [
            (
                "Harbour House",
                Service.SettingType.HOSTEL,
                Service.Region.SOUTH_WEST,
                14,
                [
                    ("lead.harbour@example.org", "Ros Evans", ServiceMembership.Role.LEAD),
                    ("member.harbour@example.org", "Ben Clarke", ServiceMembership.Role.MEMBER),
                ],
            ),
        ],
    ),
]


def months_ago(today: datetime.date, months: int) -> datetime.date:
    month_index = today.month - 1 - months
    return today.replace(year=today.year + month_index // 12, month=month_index % 12 + 1, day=1)


class Command(BaseCommand):
    help = "Create demo people, organisations and services (with the standards loaded). Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._seed()
        # Make the demo award's PDF now, so the demo has it even before the task worker starts.
        for report in AwardReport.objects.filter(status=AwardReport.Status.QUEUED):
            render_award_report.call(report.pk)
            report.refresh_from_db()
            self.stdout.write(f"Award report {report} is {report.status} ({report.pages} pages).")
        self._print_logins()

    def _seed(self) -> None:
        call_command("load_edition", stdout=self.stdout)
        today = timezone.localdate()
        logins: dict[str, tuple[str, str]] = {}

        def person(email: str, full_name: str, password: str, **roles) -> User:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=password, full_name=full_name, **roles)
            logins.setdefault(email, (password, full_name))
            return user

        admin = None
        for email, full_name, reviewer, administrator, password in PEOPLE:
            user = person(email, full_name, password, is_reviewer=reviewer, is_administrator=administrator)
            admin = admin or (user if administrator else None)

        for org_name, kind, services in ORGANISATIONS:
            organisation, _ = Organisation.objects.get_or_create(name=org_name, defaults={"kind": kind})
            for name, setting, region, months, team in services:
                service, _ = Service.objects.get_or_create(
                    organisation=organisation,
                    name=name,
                    defaults={"setting_type": setting, "region": region, "joined_on": months_ago(today, months)},
                )
                for email, full_name, role in team:
                    user = person(email, full_name, TEAM_PASSWORD)
                    membership_set(service=service, user=user, role=role, by=admin)

        self._seed_portfolio("Willow Ward", complete=20, submit=False)
        if self._seed_portfolio("C Wing Psychologically Informed Unit", complete=None, submit=True):
            self._seed_review("C Wing Psychologically Informed Unit", stage="mid")
        if self._seed_portfolio("Harbour House", complete=None, submit=True):
            self._seed_review("Harbour House", stage="report")
        if self._seed_portfolio("Riverside Community Team", complete=None, submit=True):
            self._seed_review("Riverside Community Team", stage="award")
        self.logins = logins

    def _print_logins(self) -> None:
        logins = self.logins

        self.stdout.write(
            self.style.SUCCESS(f"\nDemo data is ready. Sign in at {settings.SITE_URL}/account/sign-in/ with:")
        )
        roles = {user.email: user for user in User.objects.filter(email__in=logins)}
        memberships = {}
        for membership in ServiceMembership.objects.select_related("user", "service"):
            memberships.setdefault(membership.user.email, []).append(
                f"{membership.get_role_display().lower()}, {membership.service.name}"
            )
        width = max(len(email) for email in logins)
        for email, (password, full_name) in logins.items():
            user = roles[email]
            what = [r for r, flag in (("administrator", user.is_administrator), ("reviewer", user.is_reviewer)) if flag]
            what += memberships.get(email, [])
            self.stdout.write(f"  {email:<{width}}  {password:<22}  {full_name} – {'; '.join(what)}")

    def _seed_portfolio(self, service_name: str, *, complete: int | None, submit: bool) -> bool:
        """A portfolio with `complete` standards finished (None: all), and real small files in the library.
        Returns False when the service already has one (the seed has run before)."""
        service = Service.objects.get(name=service_name)
        if service.assessments.exists():
            return False
        lead = service.memberships.get(role=ServiceMembership.Role.LEAD).user
        assessment = assessment_start(service=service, by=lead)
        library = []
        for file_name, title, kind, contributed_by, description in DEMO_EVIDENCE:
            upload = None
            if file_name:
                upload = File((DEMO_FILES / file_name).open("rb"), name=file_name)
            try:
                library.append(
                    evidence_create(
                        service=service,
                        by=lead,
                        title=title,
                        owner=lead,
                        no_personal_data=True,
                        description=description,
                        kind=kind,
                        contributed_by=contributed_by,
                        effective_on=timezone.localdate() - datetime.timedelta(days=30 * len(library) + 7),
                        upload=upload,
                    )
                )
            finally:
                if upload is not None:
                    upload.close()
        responses = list(
            assessment.responses.select_related("standard", "assessment").order_by(
                "standard__value__order", "standard__order"
            )
        )
        for number, response in enumerate(responses):
            if complete is not None and number >= complete + 5:
                break
            finished = complete is None or number < complete
            # Beyond the finished ones, a few are half done: a rating but no narrative or evidence yet.
            response_save(
                response=response,
                rating=RATINGS[number % len(RATINGS)],
                narrative=narrative_for(service, response.standard, number) if finished else "",
                expected_version=response.version,
                by=lead,
            )
            if finished:
                evidence_link(response=response, evidence=library[number % len(library)], by=lead)
                evidence_link(response=response, evidence=library[(number + 2) % len(library)], by=lead)
        if submit:
            transition(assessment, to=Assessment.Status.SUBMITTED, by=lead)
        return True

    def _seed_review(self, service_name: str, *, stage: str) -> None:
        """ "mid": two reviewers, one part-way through scoring. "report": a whole review with a returned round,
        ending with a final report awaiting the panel's decision. "award": a review straight to a final report,
        then the panel's decision to award."""
        finish = stage != "mid"
        assessment = Assessment.objects.select_related("service__organisation").get(service__name=service_name)
        admin = User.objects.get(email="admin@example.org")
        team_lead = assessment.service.memberships.get(role=ServiceMembership.Role.LEAD).user
        lead = User.objects.get(email="reviewer1@example.org")
        second = User.objects.get(email="reviewer3@example.org" if stage == "report" else "reviewer2@example.org")
        due_on = timezone.localdate() + datetime.timedelta(days=21 if finish else 9)
        lead_assignment = assignment_create(assessment=assessment, reviewer=lead, is_lead=True, due_on=due_on, by=admin)
        second_assignment = assignment_create(
            assessment=assessment, reviewer=second, is_lead=False, due_on=due_on, by=admin
        )
        for assignment, reviewer in ((lead_assignment, lead), (second_assignment, second)):
            assignment_respond(assignment=assignment, by=reviewer, reply=Reply.ACCEPT)
        responses = list(
            assessment.responses.select_related("standard").order_by("standard__value__order", "standard__order")
        )

        def score(assignment, reviewer, limit=None, differ_every=0):
            """Scores that mostly follow the team's own rating; a second reviewer differs now and then."""
            entries = {}
            for number, response in enumerate(responses[:limit]):
                value = response.rating or "met"
                if differ_every and number % differ_every == 1:
                    value = SCORES[(SCORES.index(value) + 2) % len(SCORES)] if value in SCORES else "partly_met"
                    value = "partly_met" if value == response.rating else value
                entries[response.pk] = (value, f"{response.standard.code}: {COMMENTS[number % len(COMMENTS)]}")
            scores_save(assignment=assignment, entries=entries, by=reviewer)

        if not finish:
            score(lead_assignment, lead, limit=20)
            return
        score(lead_assignment, lead)
        score(second_assignment, second, differ_every=5)
        review_submit(assignment=lead_assignment, by=lead)
        review_submit(assignment=second_assignment, by=second)
        if stage == "award":
            self._finish_with_award(assessment, responses, lead, team_lead, admin)
            return
        portfolio_return(
            assessment=assessment,
            by=lead,
            overall="Please show more clearly how residents take part in running the house.",
            per_standard=[(responses[0], "Add the minutes of a recent house meeting.")],
        )
        first = Response.objects.select_related("assessment", "standard").get(pk=responses[0].pk)
        response_save(
            response=first,
            rating=first.rating,
            narrative=first.narrative + "\n\nSince the review: residents now chair the weekly house meeting.",
            expected_version=first.version,
            by=team_lead,
        )
        transition(assessment, to=Assessment.Status.RESUBMITTED, by=team_lead)
        transition(assessment, to=Assessment.Status.IN_REVIEW, by=lead)
        review_submit(assignment=lead_assignment, by=lead)
        review_submit(assignment=second_assignment, by=second)
        consensus_save(
            assessment=assessment,
            entries={
                response.pk: (response.rating or "met", "Agreed at the review meeting, weighing the visit findings.")
                for response in responses
            },
            by=lead,
        )
        visit_save(
            assessment=assessment,
            by=lead,
            visited_on=timezone.localdate() - datetime.timedelta(days=5),
            mode=Visit.Mode.IN_PERSON,
            met="5 residents, 3 support workers, the house manager, a volunteer",
            findings="A warm, busy house. Residents spoke with pride about the garden and the weekly house meeting.",
        )
        report_save(
            assessment=assessment,
            by=lead,
            strengths="Residents and staff know each other well and share the running of the house.",
            areas_for_development="Weekend activities depend on a few staff; involve residents in planning them.",
            action_points=(
                "Agree a weekend activities plan with residents.\nReview the house rules together each quarter."
            ),
        )
        transition(assessment, to=Assessment.Status.REPORT_DRAFT, by=lead)
        report = report_comments_send(
            assessment=assessment, by=team_lead, about="Strengths", text="The house has 14 residents, not 12."
        )
        report_comment_answer(
            comment=report.comments.get(),
            by=lead,
            answer=ReportComment.Answer.ACCEPTED,
            text="Corrected: the house has 14 residents.",
        )
        transition(assessment, to=Assessment.Status.REPORT_FINAL, by=lead)

    def _finish_with_award(self, assessment, responses, lead, team_lead, admin) -> None:
        """Consensus (two expected standards partly met, everything else met), visit, report, decision: Awarded."""
        partly = [r.pk for r in responses if r.standard.type == "expected"][:2]
        consensus_save(
            assessment=assessment,
            entries={
                r.pk: ("partly_met" if r.pk in partly else "met", "Agreed after the visit, weighing the portfolio.")
                for r in responses
            },
            by=lead,
        )
        visit_save(
            assessment=assessment,
            by=lead,
            visited_on=timezone.localdate() - datetime.timedelta(days=20),
            mode=Visit.Mode.HYBRID,
            met="4 people who use the service, 3 staff, the team manager",
            findings="People spoke warmly of the team and of being involved in planning their own support.",
        )
        report_save(
            assessment=assessment,
            by=lead,
            strengths="A team that plans support with people, not for them.",
            areas_for_development="Involve people who use the service in recruiting staff.",
            action_points="Add a person who uses the service to every interview panel.",
        )
        transition(assessment, to=Assessment.Status.REPORT_DRAFT, by=lead)
        report_comments_send(assessment=assessment, by=team_lead)
        transition(assessment, to=Assessment.Status.REPORT_FINAL, by=lead)
        decision_record(
            assessment=assessment,
            by=admin,
            outcome=Outcome.AWARDED,
            decided_on=timezone.localdate(),  # the panel cannot have met before the portfolio began
            rationale="The team meets every essential standard and nearly all expected ones; the visit confirmed it.",
            panel=[
                PanelSeat("Alex Morgan", PanelMember.Role.CHAIR),
                PanelSeat("Priya Shah", PanelMember.Role.REVIEWER),
                PanelSeat("Sam Ellis", PanelMember.Role.LIVED_EXPERIENCE),
            ],
        )
