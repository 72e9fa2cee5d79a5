"""Transactional mails whose wording operators may change (DESIGN §4, §8).

Each mail an app sends is registered once with `register_email(key, ...)`: a label for the admin, the
default subject and body (Django templates under the app's `templates/`, plain text, translatable with
`{% translate %}`/`{% blocktranslate %}`) and `context_help`, the variables its context holds. Apps
register their mails at import of `<app>/notifications.py` or `<app>/services/notifications.py`; listing
the registry (`registered_emails()`, the admin, the model field's choices) imports those modules first.

`render_email(key, context, language=...)` renders the operator's saved `EmailTemplate` for (key,
language) when there is one, else the default files, under `translation.override(language)` and the
site's time zone. A saved template that no longer renders (bad syntax, a variable that does not exist)
never loses the mail: the error is logged and the default is used.

Saved templates render in a strict engine: plain text (no autoescaping) and a missing variable raises
instead of rendering empty, so a typo in an operator's template shows in the logs, not as a hole in the
mail. `{% if %}` and `{% for %}` on a missing variable stay quiet, as usual in Django templates.
"""

import logging
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.template.base import VariableDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

EMAIL_MODULES = ("notifications", "services.notifications")


@dataclass(frozen=True)
class RegisteredEmail:
    key: str
    label: str
    default_subject_template: str
    default_body_template: str
    # {"order": "The order (number, total, ...)", ...}: what an operator's template may use.
    context_help: dict[str, str] = field(default_factory=dict)


_registry: dict[str, RegisteredEmail] = {}


class UnknownEmailError(KeyError):
    """No mail is registered under this key."""


def register_email(
    key: str, *, label, default_subject_template: str, default_body_template: str, context_help: dict[str, str]
) -> RegisteredEmail:
    """Register the mail `key`; registering the same key again replaces it (module reloads in development)."""
    email = RegisteredEmail(
        key=key,
        label=label,
        default_subject_template=default_subject_template,
        default_body_template=default_body_template,
        context_help=dict(context_help),
    )
    _registry[key] = email
    return email


@cache
def _discover() -> None:
    autodiscover_modules(*EMAIL_MODULES)


def registered_emails() -> list[RegisteredEmail]:
    """Every registered mail, ordered by label as the current language reads it."""
    _discover()
    return sorted(_registry.values(), key=lambda email: str(email.label))


def registered_email(key: str) -> RegisteredEmail:
    """The mail registered as `key`. Raises UnknownEmailError."""
    _discover()
    try:
        return _registry[key]
    except KeyError:
        raise UnknownEmailError(key) from None


def email_key_choices() -> list[tuple[str, str]]:
    """Choices of `EmailTemplate.key` (a callable, so mails registered later still count)."""
    return [(email.key, email.label) for email in registered_emails()]


def default_template_source(key: str, *, language: str) -> tuple[str, str]:
    """The default subject and body of `key` as an operator starts from them: the default templates with
    their `{% translate %}`/`{% blocktranslate %}` texts written out in `language`, the variables kept as
    `{{ ... }}` and the i18n plumbing removed. Saved unchanged, it renders the same mail as the default."""
    email = registered_email(key)
    with translation.override(language):
        return (
            _editable_source(_template_source(email.default_subject_template)).strip(),
            _editable_source(_template_source(email.default_body_template)),
        )


def _template_source(name: str) -> str:
    template = get_template(name)
    return template.template.source


_TRANSLATE_TAG = re.compile(r'{%\s*translate\s+"((?:[^"\\]|\\.)*)"\s*%}')
_BLOCKTRANSLATE_TAG = re.compile(
    r"{%\s*blocktranslate(?P<arguments>(?:\s+with)?(?:\s+\w+=(?:\"[^\"]*\"|[^\s\"%])+)*)\s*%}"
    r"(?P<message>.*?){%\s*endblocktranslate\s*%}",
    re.DOTALL,
)
_BLOCK_ARGUMENT = re.compile(r'(\w+)=((?:"[^"]*"|[^\s"%])+)')
_BLOCK_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")
_AUTOESCAPE_TAGS = re.compile(r"{%\s*(?:autoescape off|endautoescape)\s*%}")
_LOAD_TAG = re.compile(r"{%\s*load\s+([^%]*?)\s*%}")


def _editable_source(source: str) -> str:
    def translate(match: re.Match) -> str:
        return gettext(match.group(1).replace('\\"', '"'))

    def blocktranslate(match: re.Match) -> str:
        expressions = dict(_BLOCK_ARGUMENT.findall(match.group("arguments")))
        message = _BLOCK_VARIABLE.sub(lambda variable: f"%({variable.group(1)})s", match.group("message"))
        translated = gettext(message)
        return re.sub(
            r"%\((\w+)\)s",
            lambda variable: "{{ " + expressions.get(variable.group(1), variable.group(1)) + " }}",
            translated,
        )

    def load(match: re.Match) -> str:
        libraries = [library for library in match.group(1).split() if library != "i18n"]
        return "{% load " + " ".join(libraries) + " %}" if libraries else ""

    source = _TRANSLATE_TAG.sub(translate, source)
    source = _BLOCKTRANSLATE_TAG.sub(blocktranslate, source)
    source = _AUTOESCAPE_TAGS.sub("", source)
    return _LOAD_TAG.sub(load, source)


# --- Rendering ----------------------------------------------------------------------------------------


class _MissingVariable(str):
    """`string_if_invalid` of the strict engine: rendering a variable that does not exist raises."""

    def __mod__(self, variable):
        raise VariableDoesNotExist("The variable %s does not exist.", (variable,))


@cache
def strict_engine() -> Engine:
    """The engine of operators' templates: the project's tag libraries, no autoescaping, and missing
    variables raise `VariableDoesNotExist`."""
    base = engines["django"].engine
    return Engine(
        libraries=base.libraries,
        builtins=[name for name in base.builtins if name not in Engine.default_builtins],
        autoescape=False,
        string_if_invalid=_MissingVariable("%s"),  # Django formats it with the variable's name
    )


def check_template_syntax(source: str) -> None:
    """Raises TemplateSyntaxError when `source` is not a valid template (what the admin form checks)."""
    strict_engine().from_string(source)


def render_email(key: str, context: dict, *, language: str) -> tuple[str, str]:
    """The subject (one line) and the plain text body of mail `key`, rendered in `language`.

    Uses the operator's `EmailTemplate` for (key, language) when saved, else the default templates. A saved
    template that fails (TemplateSyntaxError, a missing variable, any error in a tag or filter) is logged as
    an error and the default is used instead: the mail always goes out. Raises UnknownEmailError for an
    unregistered key. One query (the saved template).
    """
    from .models import EmailTemplate  # imported here: the models import this module (key choices)

    email = registered_email(key)
    saved = EmailTemplate.objects.filter(key=key, language=language).only("subject", "body").first()
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(settings.TIME_ZONE)):
        if saved is not None:
            try:
                subject = strict_engine().from_string(saved.subject).render(Context(context))
                body = strict_engine().from_string(saved.body).render(Context(context))
            except Exception:
                # Any failure of an operator's template (syntax, missing variable, a filter raising): the
                # default wording still goes out, and the error is there to fix the template.
                logger.exception(
                    "The saved email template %r (%s) could not be rendered; the default was used.", key, language
                )
            else:
                return _one_line(subject), body
        subject = render_to_string(email.default_subject_template, context)
        body = render_to_string(email.default_body_template, context)
    return _one_line(subject), body


def _one_line(subject: str) -> str:
    return " ".join(subject.split())


__all__ = [
    "RegisteredEmail",
    "TemplateSyntaxError",
    "UnknownEmailError",
    "check_template_syntax",
    "default_template_source",
    "email_key_choices",
    "register_email",
    "registered_email",
    "registered_emails",
    "render_email",
]
