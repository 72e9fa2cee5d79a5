"""`manage.py check` refuses search settings the index could not be built with."""

from search.checks import check_search_settings


def test_the_default_search_settings_pass():
    assert check_search_settings(None) == []


def test_an_unknown_analysis_and_a_missing_synonyms_file_are_reported(settings, tmp_path):
    settings.SEARCH_ANALYSIS = "english"
    settings.SEARCH_SYNONYMS_FILE = str(tmp_path / "missing.txt")
    assert [error.id for error in check_search_settings(None)] == ["search.E001", "search.E002"]
