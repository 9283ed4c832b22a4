from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.utils import timezone

from standards.models import Rating
from workflow.forms import SaysWhatToDo, UKDateField

from .models import NARRATIVE_MAX_LENGTH, Evidence, Response, User


class SignInForm(SaysWhatToDo, AuthenticationForm):
    """Sign in with an e-mail address; the error never says which half of the pair was wrong."""

    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={"required": "Enter your e-mail address"},
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match an account. Check both and try again.",
        "inactive": "This account has been closed. Ask your programme administrator if you need it back.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "Enter your password"


NEW_PASSWORD_MESSAGES = {
    "new_password1": "Enter a new password",
    "new_password2": "Enter the new password again, to confirm it",
}
PASSWORD_MISMATCH = "The two new passwords are not the same. Type the same new password in both boxes."


class ChangePasswordForm(SaysWhatToDo, PasswordChangeForm):
    """Change a password, knowing the current one."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not right. Enter the password you signed in with.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        for name, message in NEW_PASSWORD_MESSAGES.items():
            self.fields[name].error_messages["required"] = message


class NewPasswordForm(SaysWhatToDo, SetPasswordForm):
    """Choose a new password from the link in a reset e-mail."""

    error_messages = {**SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in NEW_PASSWORD_MESSAGES.items():
            self.fields[name].error_messages["required"] = message


class ResetPasswordForm(SaysWhatToDo, PasswordResetForm):
    """Ask for a link to choose a new password."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter the e-mail address you sign in with"},
    )


class ResponseForm(SaysWhatToDo, forms.Form):
    """A team's rating and narrative for one standard. `version` is the optimistic lock."""

    rating = forms.ChoiceField(
        label="Self-rating",
        choices=Rating.choices,
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
    # Hidden: it is wrong only if the page was changed or cut short on its way, and reloading the page mends it.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            code: "Part of this page did not arrive. Copy what you typed, reload the page and try again."
            for code in ("required", "invalid", "min_value")
        },
    )


class EvidenceForm(SaysWhatToDo, forms.ModelForm):
    """A new item for the library: a file, or a written note with no file."""

    file = forms.FileField(
        label="File",
        required=False,
        help_text=(
            "Optional. PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, plain text or CSV. "
            "Leave empty to add a written note without a file."
        ),
    )
    effective_on = UKDateField(
        label="Date of the evidence",
        # Declared, the field no longer takes the model's default: today, as the page offered before.
        initial=timezone.localdate,
        help_text=Evidence._meta.get_field("effective_on").help_text,
        error_messages={"required": "Enter the date of the evidence"},
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
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"contributed_by": "Contributed by", "kind": "Kind of evidence"}
        error_messages = {
            "title": {"required": "Enter a title for the evidence"},
            "kind": {"required": "Choose the kind of evidence"},
            "contributed_by": {"required": "Choose who contributed the evidence"},
            "owner": {
                "required": "Choose who owns the evidence",
                "invalid_choice": "Choose an owner from the service's team",
            },
        }

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


class LinkEvidenceForm(SaysWhatToDo, forms.Form):
    """The item a standard page's "Link" button sends: one of the library items that may still be linked."""

    evidence = forms.ModelChoiceField(
        label="Evidence from your library",
        queryset=Evidence.objects.none(),
        error_messages={
            "required": "Choose which evidence to link.",
            "invalid_choice": "Choose evidence from the list.",
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = queryset


class OfferedChoicesField(forms.ModelMultipleChoiceField):
    """Values are checked against the choices offered before the database sees them: a 26-digit id is simply not
    one of them (the database would overflow on it)."""

    def _check_values(self, value):
        offered = {str(key) for key, _ in self.choices}
        for item in value:
            if str(item) not in offered:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class EvidenceLinksForm(SaysWhatToDo, forms.Form):
    responses = OfferedChoicesField(
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


class SubmitForm(SaysWhatToDo, forms.Form):
    confirm = forms.BooleanField(
        label="I have checked the portfolio with the team and it is ready for the reviewers",
        error_messages={"required": "Tick the box to confirm the portfolio is ready."},
    )
