from django import forms
from django.utils import timezone

from accreditation.models import User
from standards.models import Rating
from workflow.forms import SaysWhatToDo, UKDateField

from .models import ActionPoint, ReportComment, ReviewReport, Visit


class AssignForm(SaysWhatToDo, forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Reviewer",
        queryset=User.objects.none(),
        empty_label="Choose a reviewer",
        error_messages={
            "required": "Choose a reviewer",
            "invalid_choice": "Choose a reviewer from the list. The one chosen can no longer review this service.",
        },
    )
    is_lead = forms.BooleanField(
        label="Lead reviewer", required=False, help_text="The lead records the visit, the consensus and the report."
    )
    due_on = UKDateField(label="Review due by", error_messages={"required": "Enter the date the review is due by"})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = User.objects.filter(pk__in=[c.reviewer.pk for c in candidates if not c.reasons])
        field.choices = [("", "Choose a reviewer")] + [
            (c.reviewer.pk, c.reviewer.full_name) for c in candidates if not c.reasons
        ]


class RemoveForm(SaysWhatToDo, forms.Form):
    reason = forms.CharField(
        label="Why is this reviewer leaving the team?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={
            "required": "Say why the reviewer is leaving the team; it is kept in the history.",
            "max_length": "The reason must be 1,000 characters or fewer",
        },
    )


class RespondForm(SaysWhatToDo, forms.Form):
    """The answer to an invitation: one choice per move the reviewer may make now (reviews/workflows.py names and
    words them)."""

    reply = forms.ChoiceField(
        label="Your answer",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accept, have a conflict of interest, or cannot do the review."},
    )
    note = forms.CharField(
        label="Anything to add",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required if you have a conflict of interest: say what it is.",
        error_messages={"max_length": "What you add must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply"].choices = [(move.name, move.label) for move in moves]


ACTION_POINT_MAX_LENGTH = ActionPoint._meta.get_field("text").max_length


class ReturnForm(SaysWhatToDo, forms.Form):
    """The action points of a return: overall, and one optional field per standard (`point-<response id>`)."""

    overall = forms.CharField(
        label="Overall: what does the team need to do?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=ACTION_POINT_MAX_LENGTH,
        error_messages={
            "required": "Say overall what the team needs to do.",
            "max_length": f"Shorten it to {ACTION_POINT_MAX_LENGTH:,} characters or fewer.",
        },
    )

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = responses
        for response in responses:
            code = response.standard.code
            self.fields[f"point-{response.pk}"] = forms.CharField(
                label=f"Action point for {code}",
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control mt-1"}),
                max_length=ACTION_POINT_MAX_LENGTH,
                error_messages={"max_length": f"Shorten it to {ACTION_POINT_MAX_LENGTH:,} characters or fewer."},
            )

    def standards(self):
        """Each standard with its action-point field, for the page."""
        return [(response, self[f"point-{response.pk}"]) for response in self.responses]

    def per_standard(self) -> list[tuple]:
        return [(response, self.cleaned_data[f"point-{response.pk}"]) for response in self.responses]


class VisitForm(SaysWhatToDo, forms.ModelForm):
    visited_on = UKDateField(label="Date of the visit", error_messages={"required": "Enter the visit date"})

    class Meta:
        model = Visit
        fields = ["visited_on", "mode", "met", "findings"]
        widgets = {
            "met": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "mode": {"required": "Choose how the visit took place"},
            "met": {"required": "Say who you met, by role"},
            "findings": {"required": "Enter the findings of the visit"},
        }

    def clean_visited_on(self):
        # The lead records a visit that has happened; a future date is a slip (or a plan) that would sit in the
        # report as fact.
        visited_on = self.cleaned_data["visited_on"]
        if visited_on and visited_on > timezone.localdate():
            raise forms.ValidationError(
                "The visit date must be today or in the past. Record the visit once it has taken place."
            )
        return visited_on


class ReportForm(SaysWhatToDo, forms.ModelForm):
    class Meta:
        model = ReviewReport
        fields = ["strengths", "areas_for_development", "action_points"]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in fields}
        help_texts = {
            "strengths": "What the service does well, in plain English the whole team can read.",
            "areas_for_development": "Where the service could grow.",
            "action_points": "What the team should do next, one per line.",
        }


REPORT_PARTS = ("Strengths", "Areas for development", "Action points")
WHOLE_REPORT = "The report as a whole"


class TeamCommentForm(SaysWhatToDo, forms.Form):
    """One factual-accuracy comment, and the team lead's confirmation when they send the team's comments. Adding a
    comment needs its text; sending needs the confirmation, and a comment typed but not yet added goes with it."""

    about = forms.ChoiceField(label="What is it about?", required=False)
    text = forms.CharField(
        label="Your comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What is factually wrong, and what it should say. One thing per comment; you can add another.",
        error_messages={"max_length": "Shorten your comment to 5,000 characters or fewer, or split it in two."},
    )
    confirm = forms.BooleanField(label="I have read the draft report with the team", required=False)

    def __init__(self, *args, results, sending: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending = sending
        standards = [(f"{r.standard.code} {r.standard.title}",) * 2 for r in results]
        self.fields["about"].choices = [
            ("", WHOLE_REPORT),
            ("The report", [(part, part) for part in REPORT_PARTS]),
            ("A standard's result", standards),
        ]

    def clean(self):
        data = super().clean()
        if self.sending:
            if not data.get("confirm"):
                self.add_error("confirm", "Tick the box to confirm you have read the draft report with the team.")
        elif not (data.get("text") or "").strip() and "text" not in self.errors:
            self.add_error(
                "text",
                "Enter your comment: what is wrong in the report, and what it should say. If there is nothing to "
                "correct, send your comments without one.",
            )
        return data


class AnswerForm(SaysWhatToDo, forms.Form):
    """The lead reviewer's answer to one of the team's comments."""

    answer = forms.ChoiceField(
        label="Your answer",
        widget=forms.RadioSelect,
        choices=[
            (ReportComment.Answer.ACCEPTED, "Accept: I have corrected the report or the consensus"),
            (ReportComment.Answer.NOT_ACCEPTED, "Do not accept"),
        ],
        error_messages={"required": "Choose whether you accept the comment"},
    )
    answer_text = forms.CharField(
        label="What you corrected, or why you do not accept it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="The team reads this beside their comment.",
        error_messages={"max_length": "Shorten your answer to 5,000 characters or fewer."},
    )


SCORE_CHOICES = set(Rating.values)


def read_scores(
    post, response_ids, *, score_prefix: str, text_prefix: str
) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """Read per-standard `score-<id>` and `comment-<id>` (or similar) fields from a POST.

    Returns the entries and any problems; an unknown score value is a problem, an empty one is allowed."""
    entries, problems = {}, []
    for response_id in response_ids:
        score = post.get(f"{score_prefix}-{response_id}", "")
        text = post.get(f"{text_prefix}-{response_id}", "")
        if score and score not in SCORE_CHOICES:
            problems.append("Choose Met, Partly met or Not met.")
            score = ""
        if len(text) > 3000:
            problems.append(
                f"A comment can be up to 3,000 characters; one has {len(text):,}. Shorten it and save again."
            )
        entries[response_id] = (score, text.replace("\r\n", "\n"))
    return entries, problems


class ScoreSheetForm(forms.Form):
    """A table of standards posted at once: a score and a comment (or reason) per standard, as
    `<score_prefix>-<response id>` and `<text_prefix>-<response id>`. `entries` keeps what was typed, valid or not, so
    the page can show it again beside the problems (`non_field_errors`, one per problem found)."""

    def __init__(self, data, *, response_ids, score_prefix: str, text_prefix: str, version_prefix: str = ""):
        super().__init__(data)
        self.entries, self.problems = read_scores(
            data, response_ids, score_prefix=score_prefix, text_prefix=text_prefix
        )
        # With `version_prefix`: each saved score's version as the page showed it (`<version_prefix>-<response id>`),
        # for the service to tell whether it was saved again since. A row posted without one is not checked.
        self.versions = {
            response_id: data[f"{version_prefix}-{response_id}"][:40]
            for response_id in response_ids
            if version_prefix and f"{version_prefix}-{response_id}" in data
        }

    def clean(self):
        for problem in self.problems:
            self.add_error(None, problem)
        return super().clean()


class ConsensusForm(ScoreSheetForm):
    """The consensus sheet (`consensus-<response id>`, `reason-<response id>`). Each reason is also a field of the
    form, with the element's own id, so a problem with one (the service's missing reason) shows on its row and the
    error summary links to it."""

    def __init__(self, data, *, standards: list[tuple[int, str]]):
        super().__init__(data, response_ids=[pk for pk, _ in standards], score_prefix="consensus", text_prefix="reason")
        self.auto_id = "%s"
        for pk, code in standards:
            self.fields[f"reason-{pk}"] = forms.CharField(label=f"Reason for {code}", required=False, strip=False)

    def row_errors(self, response_id: int) -> list[str]:
        return self.errors.get(f"reason-{response_id}", [])
