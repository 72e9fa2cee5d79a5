"""System checks of the search settings: a wrong value is found by `manage.py check` at deploy time, not by the
first reindex."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .documents import ANALYSES


@register()
def check_search_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    if settings.SEARCH_ANALYSIS not in ANALYSES:
        errors.append(
            Error(
                f"SEARCH_ANALYSIS is {settings.SEARCH_ANALYSIS!r}.",
                hint=f"Use one of {', '.join(ANALYSES)}.",
                id="search.E001",
            )
        )
    synonyms = Path(settings.SEARCH_SYNONYMS_FILE)
    if not synonyms.is_file():
        errors.append(
            Error(
                f"SEARCH_SYNONYMS_FILE {synonyms} is not a readable file.",
                hint="Point it at a synonyms file (search/synonyms.txt is the default).",
                id="search.E002",
            )
        )
    return errors
