"""Project-wide checks run as tests: migrations committed, production settings deploy-clean, catalogue complete."""

import contextlib
import gettext
import os
import re
import shlex
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import skip_without

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "marketplace" / "locale" / "id" / "LC_MESSAGES"
# Left out of the copy makemessages runs in: history, the virtualenv, local data and secrets. What the
# Makefile's --ignore flags skip is copied, so they are tested too.
NOT_SOURCE = {".git", ".venv", "var", "db.sqlite3", ".env"}


def read_env_file(path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines of a dotenv file; comments and blank lines skipped, surrounding quotes stripped."""
    variables = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        assert separator, f"Not a KEY=VALUE line in {path.name}: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        variables[key.strip()] = value
    return variables


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@pytest.mark.django_db
def test_every_model_change_has_a_committed_migration():
    output = StringIO()

    with contextlib.suppress(SystemExit):
        call_command("makemigrations", check=True, dry_run=True, stdout=output, stderr=output)

    assert output.getvalue() == "No changes detected\n"


def test_production_settings_pass_the_deploy_check_with_the_example_environment():
    environment = {"PATH": os.environ["PATH"], **read_env_file(BASE_DIR / ".env.example")}
    command = [
        sys.executable,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=marketplace.settings.production",
    ]

    result = subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120)

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_indonesian_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))
    compiled = polib.mofile(str(CATALOGUE / "django.mo"))

    def translations(entries):
        return {
            entry_key(entry): (entry.msgid_plural, entry.msgstr, {int(n): s for n, s in entry.msgstr_plural.items()})
            for entry in entries
        }

    assert translations(compiled) == translations(catalogue.translated_entries())
    for header in ("Language", "Plural-Forms", "Content-Type"):
        assert compiled.metadata.get(header) == catalogue.metadata.get(header), header

    # And Python's gettext, which Django uses, reads it back entry by entry.
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        reader = gettext.GNUTranslations(mo_file)
    misread = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural
        and (reader.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else reader.gettext(entry.msgid))
        != entry.msgstr
    ]
    assert misread == []


def makemessages_arguments() -> list[str]:
    """The arguments `make messages` gives makemessages, read from the Makefile (one source of truth)."""
    makefile = (BASE_DIR / "Makefile").read_text()
    ignore = re.search(r"^MESSAGES_IGNORE\s*:?=\s*(.*)$", makefile, re.MULTILINE)
    command = re.search(r"manage\.py (makemessages .*)$", makefile, re.MULTILINE)
    assert ignore, "the Makefile no longer defines MESSAGES_IGNORE"
    assert command, "the Makefile no longer runs makemessages"
    return shlex.split(command.group(1).replace("$(MESSAGES_IGNORE)", ignore.group(1)))


@pytest.mark.gettext
def test_catalogue_has_every_translatable_string_in_the_source(tmp_path):
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        skip_without("GNU gettext", "xgettext and msgmerge are missing (apt-get install gettext)")

    def not_source(directory, names):
        skipped = {"__pycache__", ".pytest_cache", ".ruff_cache"}
        if Path(directory) == BASE_DIR:
            skipped |= NOT_SOURCE
        return [name for name in names if name in skipped or name.endswith(".pyc")]

    source = tmp_path / "source"
    shutil.copytree(BASE_DIR, source, ignore=not_source)
    arguments = makemessages_arguments()

    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=source,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    committed = {entry_key(entry) for entry in polib.pofile(str(CATALOGUE / "django.po"))}
    extracted = polib.pofile(str(source / "marketplace" / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = sorted(entry.msgid for entry in extracted if entry_key(entry) not in committed)
    assert missing == [], "msgids missing from the Indonesian catalogue (run `make messages`):\n" + "\n".join(missing)
