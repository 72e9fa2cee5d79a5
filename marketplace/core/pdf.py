"""Text for PDFs drawn with fpdf2's core fonts (invoices, packing slips, workshop certificates): they cover
Latin-1 only, so typographic quotes and dashes become ASCII and accents Latin-1 lacks are dropped."""

import unicodedata

# Characters Latin-1 lacks that have an obvious ASCII stand-in.
_REPLACEMENTS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2022": "-",
        "\u2026": "...",
        "\u20ac": "EUR",
        "\u2122": "(TM)",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def latin1_text(value) -> str:
    """`value` as text the PDF core fonts can draw: Latin-1, with stand-ins for what it lacks."""
    text = str(value if value is not None else "").translate(_REPLACEMENTS)
    if all(ord(character) < 256 for character in text):
        return text
    characters = []
    for character in text:
        if ord(character) < 256:
            characters.append(character)
            continue
        decomposed = unicodedata.normalize("NFKD", character)
        base = "".join(part for part in decomposed if not unicodedata.combining(part))
        characters.append(base if base and all(ord(part) < 256 for part in base) else "?")
    return "".join(characters)
