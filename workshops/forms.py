"""Forms of the public workshop pages.

`RegistrationForm` is built from the workshop's own questions (`Workshop.questions`): a text question is a line
of at most 300 characters, a multiple-choice question a group of radio buttons, a yes/no question two radio
buttons. Answers are optional, as in `workshops.services.registration_create`, which checks them again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

ANSWER_MAX_LENGTH = 300
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


class RegistrationForm(forms.Form):
    """One field per question of `workshop`, named by the question's key (posted as `answer-<key>`)."""

    prefix = "answer"

    def __init__(self, *args, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.question_keys: list[str] = []
        # A choice as the question stores it (JSON may hold numbers), by the text the radio button posts.
        self._choice_values: dict[str, dict[str, object]] = {}
        for question in workshop.questions or []:
            if not isinstance(question, dict) or not question.get("key"):
                continue
            field = self._field_for(question)
            if field is None:
                continue
            key = str(question["key"])
            self.fields[key] = field
            if question.get("kind") == "choice":
                self._choice_values[key] = {str(choice): choice for choice in question.get("choices") or []}
            self.question_keys.append(key)

    @staticmethod
    def _field_for(question: dict) -> forms.Field | None:
        label = str(question.get("label") or question["key"])
        kind = question.get("kind")
        if kind == "text":
            return forms.CharField(
                label=label,
                required=False,
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.TextInput(attrs={"maxlength": ANSWER_MAX_LENGTH}),
            )
        if kind == "choice":
            choices = [(str(choice), str(choice)) for choice in question.get("choices") or []]
            return forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)
        if kind == "yes_no":
            return forms.ChoiceField(label=label, required=False, choices=YES_NO_CHOICES, widget=forms.RadioSelect)
        return None

    def answers(self) -> dict:
        """The answers given, by question key (blank ones left out), for `registration_create`."""
        answers = {}
        for key, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            answers[key] = self._choice_values.get(key, {}).get(value, value)
        return answers

    def add_service_errors(self, error_dict: dict) -> None:
        """Put a service's field errors (keyed by question key) on the matching fields."""
        for key, messages in error_dict.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)


class CertificateLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=20,
        help_text=_("As printed on the certificate, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        raw = "".join(character for character in self.cleaned_data["code"].upper() if character.isalnum())
        if len(raw) != 12:
            raise forms.ValidationError(_("A certificate code has 12 letters and digits."))
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
