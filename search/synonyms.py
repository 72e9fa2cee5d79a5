"""The synonyms operators keep in `SEARCH_SYNONYMS_FILE` (Solr format), for both backends.

Elasticsearch gets the rules as they are (a `synonym_graph` filter, `search.documents`). The database backend
expands the shopper's words itself (`expand`): a run of words that is a phrase of a rule ("palm sugar") may be
found as any of that rule's phrases ("gula aren", "gula merah"). "a, b, c" makes the phrases equivalent;
"a, b => c" lets a and b find c (and themselves). The file is read again when it changes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

WORD = re.compile(r"\w+", re.UNICODE)
Phrase = tuple[str, ...]


def rules() -> list[str]:
    """The rules of the file, lower case, comments and blank lines dropped (none without a file)."""
    path = Path(settings.SEARCH_SYNONYMS_FILE)
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line.lower() for line in lines if line and not line.startswith("#")]


def _phrases(text: str) -> list[Phrase]:
    return [phrase for part in text.split(",") if (phrase := tuple(WORD.findall(part)))]


@lru_cache(maxsize=4)
def _table(path: str, modified: float) -> dict[Phrase, list[Phrase]]:
    """phrase → the phrases it may be found as (itself first)."""
    table: dict[Phrase, list[Phrase]] = {}
    for rule in rules():
        left, arrow, right = rule.partition("=>")
        sources = _phrases(left)
        targets = _phrases(right) if arrow else sources
        for phrase in sources:
            alternatives = table.setdefault(phrase, [phrase])
            alternatives += [target for target in targets if target not in alternatives]
    return table


def table() -> dict[Phrase, list[Phrase]]:
    path = Path(settings.SEARCH_SYNONYMS_FILE)
    return _table(str(path), path.stat().st_mtime if path.is_file() else 0.0)


def expand(words: list[str]) -> list[list[Phrase]]:
    """The words as units to find, each a list of phrases any of which will do: the longest run of words that
    is a rule's phrase becomes one unit with its synonyms; any other word is a unit of its own."""
    known = table()
    longest = max((len(phrase) for phrase in known), default=1)
    units, index = [], 0
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            phrase = tuple(words[index : index + size])
            if phrase in known:
                units.append(known[phrase])
                index += size
                break
        else:
            units.append([(words[index],)])
            index += 1
    return units
