from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import NARRATIVE_MAX_LENGTH, Appeal, Evidence, Outcome, PanelMember, Response, User


class SignInForm(AuthenticationForm):
    """Sign in with an e-mail address; the error never says which half of the pair was wrong."""

    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match an account. Check both and try again.",
        "inactive": "This account has been closed. Ask your programme administrator if you need it back.",
    }


class ResponseForm(forms.Form):
    """A team's rating and narrative for one standard. `version` is the optimistic lock."""

    rating = forms.ChoiceField(
        label="Self-rating",
        choices=Response.Rating.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="How well the service meets this standard today. You can save without one and come back.",
    )
    narrative = forms.CharField(
        label="Narrative",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text=(
            "In your own words: what you do, how people who use the service are involved, and what the evidence shows. "
            f"Up to {NARRATIVE_MAX_LENGTH:,} characters; line breaks are kept."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EvidenceForm(forms.ModelForm):
    """A new item for the library: a file, or a written note with no file."""

    file = forms.FileField(
        label="File",
        required=False,
        help_text=(
            "Optional. PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, plain text or CSV. "
            "Leave empty to add a written note without a file."
        ),
    )
    no_personal_data = forms.BooleanField(
        label="I confirm this evidence contains no identifiable personal data",
        help_text="Remove names, photos of faces, dates of birth and case details before uploading.",
        error_messages={
            "required": "Confirm that you have removed anything that identifies a person before you add this evidence."
        },
    )

    class Meta:
        model = Evidence
        fields = ["title", "description", "kind", "effective_on", "contributed_by", "owner", "file", "no_personal_data"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"contributed_by": "Contributed by", "kind": "Kind of evidence"}

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(memberships__service=service).order_by("full_name")
        self.fields["owner"].label_from_instance = lambda user: user.full_name


class EvidenceVersionForm(EvidenceForm):
    file = forms.FileField(
        label="New file (optional)",
        required=False,
        help_text="Leave empty to keep the same file and only update the details.",
    )


class LinkEvidenceForm(forms.Form):
    evidence = forms.ModelChoiceField(
        label="Evidence from your library",
        queryset=Evidence.objects.none(),
        empty_label="Choose an item",
        error_messages={
            "required": "Choose which evidence to link.",
            "invalid_choice": "Choose evidence from the list.",
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = queryset
        self.fields["evidence"].label_from_instance = lambda item: f"{item.title} ({item.effective_on:%-d %b %Y})"


class EvidenceLinksForm(forms.Form):
    responses = forms.ModelMultipleChoiceField(
        label="Standards this evidence supports",
        queryset=Response.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["responses"]
        field.queryset = Response.objects.filter(pk__in=[response.pk for response in responses])
        field.choices = [(response.pk, f"{response.standard.code} {response.standard.title}") for response in responses]


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked the portfolio with the team and it is ready for the reviewers",
        error_messages={"required": "Tick the box to confirm the portfolio is ready."},
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="The panel's decision", choices=Outcome.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(
        label="Date of the panel", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    override_reason = forms.CharField(
        label="Why the panel departed from the recommendation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text="Required only when the decision differs from the recommendation.",
    )


class PanelSeatForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Role"), *PanelMember.Role.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("name")) != bool(data.get("role")):
            raise forms.ValidationError("Give both a name and a role, or leave the row empty.")
        return data


class ConditionDraftForm(forms.Form):
    text = forms.CharField(label="Condition", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(
        label="Due", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("text")) != bool(data.get("due_on")):
            raise forms.ValidationError("Give both the condition and its due date, or leave the row empty.")
        return data


PanelFormSet = forms.formset_factory(PanelSeatForm, extra=5, max_num=10)
ConditionFormSet = forms.formset_factory(ConditionDraftForm, extra=3, max_num=10)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label="Grounds for the appeal",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What you think was wrong with the decision, and why.",
    )


class AppealOutcomeForm(forms.Form):
    result = forms.ChoiceField(label="Outcome", choices=Appeal.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Explanation", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)


class ConditionCheckForm(forms.Form):
    note = forms.CharField(
        label="What shows the condition is met", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
