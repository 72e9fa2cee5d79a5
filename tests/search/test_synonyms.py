"""The operators' synonyms file, as the database backend expands the shopper's words with it."""

import os

from search import synonyms


def test_a_word_or_a_phrase_of_a_rule_becomes_one_unit_with_its_synonyms(settings, tmp_path):
    rules = tmp_path / "synonyms.txt"
    rules.write_text("# comment\nkopi, coffee\ngula aren, palm sugar\nponsel, hp => handphone\n", encoding="utf-8")
    settings.SEARCH_SYNONYMS_FILE = str(rules)

    assert synonyms.expand(["coffee", "bali"]) == [[("coffee",), ("kopi",)], [("bali",)]]
    assert synonyms.expand(["palm", "sugar", "cair"]) == [[("palm", "sugar"), ("gula", "aren")], [("cair",)]]
    assert synonyms.expand(["hp"]) == [[("hp",), ("handphone",)]]  # one way
    assert synonyms.expand(["handphone"]) == [[("handphone",)]]


def test_the_file_is_read_again_when_it_changes_and_may_be_missing(settings, tmp_path):
    rules = tmp_path / "synonyms.txt"
    rules.write_text("teh, tea\n", encoding="utf-8")
    settings.SEARCH_SYNONYMS_FILE = str(rules)
    assert synonyms.expand(["tea"]) == [[("tea",), ("teh",)]]

    rules.write_text("teh, tea, chai\n", encoding="utf-8")
    os.utime(rules, (1, 2))  # a different modification time, whatever the clock's resolution
    assert synonyms.expand(["tea"]) == [[("tea",), ("teh",), ("chai",)]]

    settings.SEARCH_SYNONYMS_FILE = str(tmp_path / "missing.txt")
    assert synonyms.expand(["tea"]) == [[("tea",)]]
