from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

LOCKED_MESSAGE = (
    "The {edition} edition is {status}, so its standards cannot be changed. "
    "Assessments rely on the exact wording; publish a new edition instead."
)


class Rating(models.TextChoices):
    """How well a standard is met: the team's self-rating, a reviewer's score and the consensus all use this one scale.

    Each rating carries its words (the label), its points towards a value's summary (Met 1, Partly met ½, Not met
    0) and its style (the CSS class of its badge; colour is never the only signal, the words are always shown)."""

    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"

    @property
    def points(self) -> float:
        return {"met": 1.0, "partly_met": 0.5, "not_met": 0.0}[self.value]

    @property
    def style(self) -> str:
        return {"met": "rating-met", "partly_met": "rating-partly", "not_met": "rating-not"}[self.value]

    @property
    def short(self) -> str:
        """A short slug for element ids."""
        return {"met": "met", "partly_met": "partly", "not_met": "not"}[self.value]


class Edition(models.Model):
    """A version of the standards. Once published it never changes, so every assessment keeps what it was judged on."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    code = models.SlugField(max_length=20, unique=True, help_text="Short and stable, e.g. 2026.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="A paragraph introducing the edition to teams.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED

    def locked_error(self) -> ValidationError:
        return ValidationError(LOCKED_MESSAGE.format(edition=self.code, status=self.get_status_display().lower()))

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        stored = Edition.objects.filter(pk=self.pk).values("code", "title", "summary", "status").first()
        changed = stored and any(stored[field] != getattr(self, field) for field in ("code", "title", "summary"))
        if changed and stored["status"] != self.Status.DRAFT:
            raise self.locked_error()


class EditionContent(models.Model):
    """Anything that belongs to an edition and so is frozen once the edition is published."""

    class Meta:
        abstract = True

    def owning_edition(self) -> Edition | None:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        edition = self.owning_edition()
        if edition is not None and not edition.is_draft:
            raise edition.locked_error()

    def delete(self, *args, **kwargs):
        edition = self.owning_edition()
        if edition is not None and not edition.is_draft:
            raise edition.locked_error()
        return super().delete(*args, **kwargs)


class Value(EditionContent):
    """One of the ten relational values (Belonging, Boundaries, …) in an edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(max_length=3, help_text="Stable across editions: BEL, BOU, COM, …")
    name = models.CharField(max_length=100)
    statement = models.CharField(max_length=300, help_text="What the value means, in one line.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="value_code_unique_in_edition")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def owning_edition(self) -> Edition | None:
        return self.edition if self.edition_id else None


class Standard(EditionContent):
    """Something a service is judged on, under one value."""

    class Type(models.TextChoices):
        ESSENTIAL = "essential", "Essential"
        EXPECTED = "expected", "Expected"
        DESIRABLE = "desirable", "Desirable"

    # Denormalised from value.edition so that "every standard of an edition" is one indexed lookup
    # and codes can be unique across the edition.
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="standards", editable=False)
    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(max_length=10, help_text="The value's code and a number, e.g. BEL.1.")
    title = models.CharField(max_length=200)
    statement = models.TextField(help_text="What must be true, in plain English.")
    guidance = models.TextField(help_text="Guidance for teams: what the reviewers look for.")
    evidence_examples = models.TextField(help_text="Examples of evidence, one per line.")
    type = models.CharField(max_length=10, choices=Type.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "value__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="standard_code_unique_in_edition")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.edition_id = self.value.edition_id
        super().save(*args, **kwargs)

    def owning_edition(self) -> Edition | None:
        return self.value.edition if self.value_id else None

    def clean(self) -> None:
        super().clean()
        if self.value_id and self.code and not self.code.startswith(f"{self.value.code}."):
            raise ValidationError({"code": f"A standard under {self.value.code} has a code like {self.value.code}.1."})

    @property
    def evidence_examples_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_examples.splitlines() if line.strip()]


class AwardRule(EditionContent):
    """How results turn into a recommendation, as data: the share of each type of standard that must be met."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="award_rule")
    essential_min_percent = models.PositiveSmallIntegerField(
        "essential standards met (minimum %)", default=100, validators=[MaxValueValidator(100)]
    )
    expected_min_percent = models.PositiveSmallIntegerField(
        "expected standards met (minimum %)", default=80, validators=[MaxValueValidator(100)]
    )
    desirable_min_percent = models.PositiveSmallIntegerField(
        "desirable standards met (minimum %)", default=60, validators=[MaxValueValidator(100)]
    )
    no_value_with_not_met = models.BooleanField(
        "no value may have a standard Not met",
        default=True,
        help_text="When ticked, a single Not met standard under a value prevents the award.",
    )

    def __str__(self) -> str:
        return f"Award rule for {self.edition.code}"

    def owning_edition(self) -> Edition | None:
        return self.edition if self.edition_id else None

    def min_percent_for(self, standard_type: str) -> int:
        return getattr(self, f"{standard_type}_min_percent")

    def describe(self) -> list[str]:
        """The rule in plain English, one condition per line, as teams and panels read it."""
        lines = []
        for standard_type in Standard.Type:
            percent = self.min_percent_for(standard_type.value)
            label = standard_type.label.lower()
            if percent == 100:
                lines.append(f"All {label} standards are met.")
            elif percent == 0:
                lines.append(f"{standard_type.label} standards are encouraged but not required.")
            else:
                lines.append(f"At least {percent}% of {label} standards are met.")
        if self.no_value_with_not_met:
            lines.append("No value has a standard rated Not met.")
        return lines
