from django import forms

from workflow.forms import SaysWhatToDo, UKDateField

from .models import Appeal, Outcome, PanelMember


class DecisionForm(SaysWhatToDo, forms.Form):
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's decision"},
    )
    decided_on = UKDateField(label="Date of the panel", error_messages={"required": "Enter the date the panel met"})
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Give the panel's rationale"},
    )
    override_reason = forms.CharField(
        label="Why the panel departed from the recommendation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text="Required only when the decision differs from the recommendation.",
        error_messages={
            "max_length": "The reason for departing from the recommendation must be 3,000 characters or fewer"
        },
    )
    # The latest decision on the page when it was opened ("" for none): one recorded since is not overruled unseen.
    latest_seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def latest_seen_id(self) -> int | None:
        value = self.cleaned_data.get("latest_seen", "")
        return int(value) if value.isdigit() else None


class PanelSeatForm(SaysWhatToDo, forms.Form):
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Role"), *PanelMember.Role.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("role"):
            raise forms.ValidationError(f"Choose the role of {data['name']} on the panel, or clear the name.")
        if data.get("role") and not data.get("name"):
            raise forms.ValidationError("Enter the name of the panel member, or choose no role for the row.")
        return data


class ConditionDraftForm(SaysWhatToDo, forms.Form):
    text = forms.CharField(label="Condition", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = UKDateField(label="Due date", required=False)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("due_on") and not self.has_error("due_on"):
            self.add_error("due_on", "Enter the date the condition is due by")
        if data.get("due_on") and not data.get("text"):
            raise forms.ValidationError("Enter the condition, or clear its due date.")
        return data


PanelFormSet = forms.formset_factory(PanelSeatForm, extra=5, max_num=10)
ConditionFormSet = forms.formset_factory(ConditionDraftForm, extra=3, max_num=10)


class ReasonForm(SaysWhatToDo, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Give the reason; it is recorded and shown to the service."},
    )


class AppealForm(SaysWhatToDo, forms.Form):
    grounds = forms.CharField(
        label="Grounds for the appeal",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="What you think was wrong with the decision, and why.",
        error_messages={"required": "Set out the grounds for the appeal"},
    )


class AppealOutcomeForm(SaysWhatToDo, forms.Form):
    result = forms.ChoiceField(
        label="Outcome",
        choices=[(Appeal.Status.UPHELD, "Upheld"), (Appeal.Status.DISMISSED, "Dismissed")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Upheld or Dismissed"},
    )
    note = forms.CharField(
        label="Explanation",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        error_messages={"required": "Explain the outcome of the appeal"},
    )


class ConditionCheckForm(SaysWhatToDo, forms.Form):
    note = forms.CharField(
        label="What shows the condition is met",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={
            "required": "Say what evidence shows the condition is met",
            "max_length": "What shows the condition is met must be 2,000 characters or fewer",
        },
    )


class InterimReviewForm(forms.Form):
    completed_on = UKDateField(
        label="Date the interim review was completed",
        error_messages={"required": "Enter the date the interim review was completed"},
    )
