"""Forms of the trainer's pages (`workshops.views_trainer`).

They only parse input: a workshop's rules (venue or online link, deadline before the first session, capacity not
below the seats taken, well-formed questions, active co-trainers) are checked by `workshops.services`, whose
ValidationError the view copies back onto these forms with `add_service_errors`.

Times are typed in WITA (Asia/Makassar, the programme's time zone) and handed to the services as aware datetimes.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shops.models import District

from .models import Workshop
from .selectors import trainer_list
from .services import MAX_QUESTIONS, MAX_SESSIONS

WITA = ZoneInfo("Asia/Makassar")
# The programme runs in one regency (Kabupaten Badung, Bali): its districts are the ones offered for a venue (plus the
# workshop's current district, wherever it is).
PROGRAMME_REGENCY_CODE = "51.03"
KIND_CHOICES = (
    ("text", _("Short text")),
    ("choice", _("One of several options")),
    ("yes_no", _("Yes or no")),
)
KEY_MAX_LENGTH = 40


def default_questions() -> list[dict]:
    """What the programme asks every participant, offered on a new workshop (labels in the active language)."""
    return [
        {
            "key": "business",
            "label": gettext("What kind of business do you run?"),
            "kind": "choice",
            "choices": ", ".join(
                [gettext("Food & drink"), gettext("Crafts"), gettext("Fashion"), gettext("Services"), gettext("Other")]
            ),
        },
        {"key": "district", "label": gettext("In which district is your business?"), "kind": "text", "choices": ""},
        {"key": "sells_online", "label": gettext("Do you already sell online?"), "kind": "yes_no", "choices": ""},
    ]


class WitaDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in WITA, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(WITA):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            value = value.astimezone(WITA).replace(tzinfo=None)
        return super().prepare_value(value)


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=Workshop._meta.get_field("title").max_length)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Workshop._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What participants learn and what to bring."),
    )
    venue_name = forms.CharField(
        label=_("Venue"), required=False, max_length=Workshop._meta.get_field("venue_name").max_length
    )
    venue_address = forms.CharField(
        label=_("Venue address"), required=False, max_length=Workshop._meta.get_field("venue_address").max_length
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("— choose —")
    )
    map_url = forms.URLField(
        label=_("Map link"),
        required=False,
        help_text=_("Optional. A Google Maps link to the venue."),
        assume_scheme="https",
    )
    online_url = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        help_text=_("For an online workshop, instead of a venue."),
        assume_scheme="https",
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10000)
    registration_deadline = WitaDateTimeField(
        label=_("Registration closes"), help_text=_("Date and time in WITA, before the first session.")
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Co-trainers"),
        queryset=trainer_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You stay a trainer of your workshop."),
    )

    def __init__(self, *args, user=None, workshop: Workshop | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Q(regency_id=PROGRAMME_REGENCY_CODE)
        if workshop is not None and workshop.district_id:
            districts |= Q(pk=workshop.district_id)
        self.fields["district"].queryset = District.objects.filter(districts).order_by("name", "code")
        trainers = trainer_list()
        if user is not None:
            trainers = trainers.exclude(pk=user.pk)
        self.fields["trainers"].queryset = trainers
        self.fields["trainers"].label_from_instance = lambda trainer: trainer.full_name or trainer.email

    def service_data(self) -> dict:
        """The `WORKSHOP_FIELDS` of the services (without the questions, which come from their formset)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "venue_name": data["venue_name"],
            "venue_address": data["venue_address"],
            "district": data["district"],
            "map_url": data["map_url"],
            "online_url": data["online_url"],
            "capacity": data["capacity"],
            "registration_deadline": data["registration_deadline"],
        }


def workshop_initial(workshop: Workshop) -> dict:
    return {
        "title": workshop.title,
        "description": workshop.description,
        "venue_name": workshop.venue_name,
        "venue_address": workshop.venue_address,
        "district": workshop.district_id,
        "map_url": workshop.map_url,
        "online_url": workshop.online_url,
        "capacity": workshop.capacity,
        "registration_deadline": workshop.registration_deadline,
        "trainers": [trainer.pk for trainer in workshop.trainers.all()],
    }


class SessionForm(forms.Form):
    """One session: a day and its start and end time in WITA. A row left blank is no session."""

    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("Starts"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self):
        data = super().clean()
        values = [data.get("date"), data.get("start"), data.get("end")]
        if self.errors or not any(values):
            return data
        if not all(values):
            raise ValidationError(_("Give the date, the start and the end of the session."))
        starts = datetime.combine(data["date"], data["start"], tzinfo=WITA)
        ends = datetime.combine(data["date"], data["end"], tzinfo=WITA)
        if ends <= starts:
            self.add_error("end", _("The session must end after it starts."))
            return data
        data["starts_at"], data["ends_at"] = starts.astimezone(UTC), ends.astimezone(UTC)
        return data


class ServiceErrorsFormSet(forms.BaseFormSet):
    """A formset that also shows the errors the service gave for the whole list ("sessions", "questions")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_errors: list[str] = []


class SessionFormSet(ServiceErrorsFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.sessions():
            raise ValidationError(_("Add at least one session."))

    def sessions(self) -> list[dict]:
        return [
            {"starts_at": form.cleaned_data["starts_at"], "ends_at": form.cleaned_data["ends_at"]}
            for form in self.forms
            if form.is_valid() and "starts_at" in form.cleaned_data
        ]


def session_formset_class(*, extra: int):
    return forms.formset_factory(
        SessionForm, formset=SessionFormSet, extra=extra, max_num=MAX_SESSIONS, validate_max=True
    )


def session_initial(workshop: Workshop) -> list[dict]:
    rows = []
    for session in workshop.sessions.all():
        starts, ends = session.starts_at.astimezone(WITA), session.ends_at.astimezone(WITA)
        rows.append({"date": starts.date(), "start": starts.time(), "end": ends.time()})
    return rows


class QuestionForm(forms.Form):
    """One registration question. A row without a label is no question."""

    key = forms.CharField(required=False, max_length=KEY_MAX_LENGTH, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Question"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Answer"), choices=KIND_CHOICES, initial="text")
    choices = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=500,
        help_text=_("For a question with options: the options, separated by commas."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("label"):
            return data
        options = [option.strip() for option in (data.get("choices") or "").split(",") if option.strip()]
        if data.get("kind") == "choice" and len(options) < 2:
            self.add_error("choices", _("Give at least two options, separated by commas."))
        data["options"] = list(dict.fromkeys(options)) if data.get("kind") == "choice" else []
        return data


class QuestionFormSet(ServiceErrorsFormSet):
    def questions(self) -> list[dict]:
        """The questions for `Workshop.questions`; a question keeps its key (the answers are stored under it), a new
        one gets a key made from its label, unique within the workshop."""
        questions, keys = [], set()
        for form in self.forms:
            data = form.cleaned_data if form.is_valid() else {}
            if not data.get("label"):
                continue
            key = slugify(data.get("key") or "").replace("-", "_")[:KEY_MAX_LENGTH]
            if not key or key in keys:
                key = _unique_key(slugify(data["label"]).replace("-", "_")[:KEY_MAX_LENGTH] or "question", keys)
            keys.add(key)
            question = {"key": key, "label": data["label"], "kind": data["kind"]}
            if data["kind"] == "choice":
                question["choices"] = data["options"]
            questions.append(question)
        return questions


def _unique_key(base: str, taken: set[str]) -> str:
    key, number = base, 2
    while key in taken:
        suffix = f"_{number}"
        key = base[: KEY_MAX_LENGTH - len(suffix)] + suffix
        number += 1
    return key


def question_formset_class(*, extra: int):
    return forms.formset_factory(
        QuestionForm, formset=QuestionFormSet, extra=extra, max_num=MAX_QUESTIONS, validate_max=True
    )


def question_initial(workshop: Workshop) -> list[dict]:
    return [
        {
            "key": question.get("key", ""),
            "label": question.get("label", ""),
            "kind": question.get("kind", "text"),
            "choices": ", ".join(question.get("choices") or []),
        }
        for question in workshop.questions or []
        if isinstance(question, dict)
    ]


def add_service_errors(error: ValidationError, *, form: forms.Form, sessions, questions) -> None:
    """Copy a service's ValidationError onto the forms: a field's error to its field, "sessions" and "questions" to
    their formsets, "trainers" to the co-trainers, anything else on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        texts = [message for item in errors for message in item.messages]
        if field == "sessions":
            sessions.service_errors.extend(texts)
        elif field == "questions":
            questions.service_errors.extend(texts)
        elif field in form.fields:
            form.add_error(field, texts)
        else:
            form.add_error(None, texts)


class CancelWorkshopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone registered or on the waiting list."),
    )
    confirm = forms.BooleanField(label=_("Yes, cancel this workshop"))


class ParticipantAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
        help_text=_("Someone without an account gets an invitation to sign up."),
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Participant's code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "checkin-code",
            }
        ),
        help_text=_("The six characters on the participant's registration page."),
    )
