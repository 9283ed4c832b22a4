from django import forms

from workflow.forms import UKDateField

from .models import Appeal, Outcome, PanelMember


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="The panel's decision", choices=Outcome.choices, widget=forms.RadioSelect)
    decided_on = UKDateField(label="Date of the panel", error_messages={"required": "Enter the date the panel met"})
    rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    override_reason = forms.CharField(
        label="Why the panel departed from the recommendation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text="Required only when the decision differs from the recommendation.",
    )
    # The latest decision on the page when it was opened ("" for none): one recorded since is not overruled unseen.
    latest_seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def latest_seen_id(self) -> int | None:
        value = self.cleaned_data.get("latest_seen", "")
        return int(value) if value.isdigit() else None


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
    due_on = UKDateField(label="Due", required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("text")) != bool(data.get("due_on")):
            raise forms.ValidationError("Give both the condition and its due date, or leave the row empty.")
        return data


PanelFormSet = forms.formset_factory(PanelSeatForm, extra=5, max_num=10)
ConditionFormSet = forms.formset_factory(ConditionDraftForm, extra=3, max_num=10)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Give the reason; it is recorded and shown to the service."},
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label="Grounds for the appeal",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What you think was wrong with the decision, and why.",
    )


class AppealOutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label="Outcome",
        choices=[(Appeal.Status.UPHELD, "Upheld"), (Appeal.Status.DISMISSED, "Dismissed")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Explanation", widget=forms.Textarea(attrs={"rows": 3}), max_length=3000)


class ConditionCheckForm(forms.Form):
    note = forms.CharField(
        label="What shows the condition is met", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class InterimReviewForm(forms.Form):
    completed_on = UKDateField(
        label="Date the interim review was completed",
        error_messages={"required": "Enter the date the interim review was completed"},
    )
