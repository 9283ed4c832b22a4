from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from workflow.rules import is_administrator, is_signed_in


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later, or the month's last day when it has no such day. A ValueError that
    says so when the result would fall outside the calendar Python knows (after 31 December 9999)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"{months} months after {day:%-d %B %Y} is beyond the calendar.")
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_superuser"] = True
        extra_fields["is_administrator"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: team member, reviewer, administrator, or several of these at once."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(
        default=True, help_text="Untick instead of deleting, so that the audit trail keeps its people."
    )
    is_reviewer = models.BooleanField(
        "peer reviewer", default=False, help_text="Trained to review other services' portfolios."
    )
    is_administrator = models.BooleanField(
        "programme administrator",
        default=False,
        help_text="Runs the programme: registers services, assigns reviewers, records decisions.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_staff(self) -> bool:
        """Django's admin is the administrators' tool; nobody else gets in."""
        return self.is_active and (self.is_administrator or self.is_superuser)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organisation(models.Model):
    """The body a service belongs to: an NHS trust, a prison, a charity, a local authority."""

    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", "NHS trust or health board"
        PRISON = "prison", "Prison or young offender institution"
        PROBATION = "probation", "Probation service"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        CHARITY = "charity", "Charity or voluntary organisation"
        INDEPENDENT = "independent", "Independent provider"
        EDUCATION = "education", "School or college"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ServiceQuerySet:
        """The services `user` may see: the twin of the `accreditation.view_service` permission."""
        if is_administrator(user):
            return self.all()
        if not is_signed_in(user):
            return self.none()
        return self.filter(memberships__user=user)


class Service(models.Model):
    """The unit that is accredited: a wing, a ward, a hostel, a team."""

    class SettingType(models.TextChoices):
        PRISON_WING = "prison_wing", "Prison wing"
        APPROVED_PREMISES = "approved_premises", "Approved premises"
        INPATIENT_WARD = "inpatient_ward", "Inpatient ward"
        COMMUNITY_TEAM = "community_team", "Community team"
        HOSTEL = "hostel", "Hostel"
        THERAPEUTIC_COMMUNITY = "therapeutic_community", "Therapeutic community"
        SCHOOL = "school", "School"
        CARE_HOME = "care_home", "Care home"
        OTHER = "other", "Other"

    class Region(models.TextChoices):
        NORTH_EAST = "north_east", "North East"
        NORTH_WEST = "north_west", "North West"
        YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
        EAST_MIDLANDS = "east_midlands", "East Midlands"
        WEST_MIDLANDS = "west_midlands", "West Midlands"
        EAST = "east", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"
        WALES = "wales", "Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    setting_type = models.CharField(max_length=30, choices=SettingType.choices)
    address = models.TextField(blank=True)
    region = models.CharField(max_length=30, choices=Region.choices)
    joined_on = models.DateField(default=datetime.date.today, help_text="When the service joined the programme.")
    listed_on_register = models.BooleanField(
        "listed on the public register",
        default=True,
        help_text="Untick if the service has asked not to appear on the public register of awards.",
    )
    portfolio_due_on = models.DateField(
        blank=True,
        help_text="Twelve months after joining unless you enter another date (for example an agreed extension).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="service_name_unique_in_organisation")
        ]
        indexes = [models.Index(fields=["portfolio_due_on"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"

    def save(self, *args, **kwargs) -> None:
        if self.portfolio_due_on is None:
            self.portfolio_due_on = add_months(self.joined_on, settings.PORTFOLIO_DUE_MONTHS)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.joined_on and self.joined_on.year > datetime.MAXYEAR - 100:
            raise ValidationError({"joined_on": "Enter the date the service joined the programme."})
        if self.joined_on and self.portfolio_due_on and self.portfolio_due_on < self.joined_on:
            raise ValidationError(
                {"portfolio_due_on": "The portfolio due date must be on or after the date the service joined"}
            )

    def days_until_due(self, today: datetime.date | None = None) -> int:
        return (self.portfolio_due_on - (today or timezone.localdate())).days


class ServiceMembership(models.Model):
    """A person's place in a service team. Team leads submit and manage the team."""

    class Role(models.TextChoices):
        LEAD = "lead", "Team lead"
        MEMBER = "member", "Team member"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service__name", "role", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["user", "service"], name="membership_unique_per_service")]

    def __str__(self) -> str:
        return f"{self.user.full_name}: {self.get_role_display()} at {self.service.name}"
