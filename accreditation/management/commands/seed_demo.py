import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accreditation.models import Organisation, Service, ServiceMembership, User
from accreditation.services import membership_set

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

    @transaction.atomic
    def handle(self, *args, **options):
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

        self.stdout.write(
            self.style.SUCCESS("\nDemo data is ready. Sign in at http://127.0.0.1:8000/account/sign-in/ with:")
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
