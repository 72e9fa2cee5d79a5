"""Small-cell suppression for the public figures (issue 9): pure functions, no database."""

from cms.programme.privacy import SUPPRESSED_LABEL, display, is_small, share, suppress_rows, suppression_mask


def column(*values):
    """A one-column table: each value a row (the last one the total when `total_row=True`)."""
    return [[value] for value in values]


def hidden(mask):
    return [[int(flag) for flag in row] for row in mask]


def test_fewer_than_five_is_literal_zero_included_and_five_is_published():
    assert [is_small(value) for value in (0, 1, 4, 5, 6)] == [True, True, True, False, False]
    assert is_small(None) is False


def test_all_cells_of_five_or_more_are_published():
    mask = suppression_mask(column(10, 7, 5, 22), total_row=True)
    assert hidden(mask) == [[0], [0], [0], [0]]


def test_exactly_five_is_not_suppressed_next_to_a_total():
    mask = suppression_mask([[5, 6, 11]], total_column=True)
    assert hidden(mask) == [[0, 0, 0]]


def test_one_small_cell_with_a_total_hides_the_next_smallest_cell_too():
    # 4 alone could be worked out as 21 - 10 - 7: the smallest other cell (7) goes too; the total stays.
    mask = suppression_mask(column(10, 4, 7, 21), total_row=True)
    assert hidden(mask) == [[0], [1], [1], [0]]


def test_two_small_cells_protect_each_other():
    mask = suppression_mask(column(10, 3, 2, 15), total_row=True)
    assert hidden(mask) == [[0], [1], [1], [0]]


def test_a_zero_is_suppressed_and_complemented():
    mask = suppression_mask(column(0, 8, 9, 17), total_row=True)
    assert hidden(mask) == [[1], [1], [0], [0]]


def test_a_total_of_four_is_suppressed_with_all_its_cells():
    assert hidden(suppression_mask(column(1, 3, 4), total_row=True)) == [[1], [1], [1]]
    assert hidden(suppression_mask(column(4, 4), total_row=True)) == [[1], [1]]
    assert hidden(suppression_mask(column(0, 0, 0), total_row=True)) == [[1], [1], [1]]


def test_a_lone_cell_and_its_total_are_both_hidden():
    assert hidden(suppression_mask([[3, 3]], total_column=True)) == [[1, 1]]


def test_without_a_total_only_the_small_cells_are_hidden():
    assert hidden(suppression_mask([[4, 10], [12, 0]])) == [[1, 0], [0, 1]]


def test_rows_and_columns_interplay_until_stable():
    grid = [
        [3, 10, 13],
        [8, 12, 20],
        [11, 22, 33],
    ]
    # 3 → its row hides 10 → column 0 hides 8 and column 1 hides 12; row 1 then holds two hidden cells.
    mask = suppression_mask(grid, total_row=True, total_column=True)
    assert hidden(mask) == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]


def test_a_small_row_total_is_protected_in_the_total_row_too():
    grid = [
        [2, 2, 4],
        [10, 20, 30],
        [12, 22, 34],
    ]
    mask = suppression_mask(grid, total_row=True, total_column=True)
    # Row 0 is all small (its total 4 too). Each column then holds one hidden cell, so row 1's cell of each
    # column goes as well (30 included: 34 - 30 would give the 4 back); the grand totals stay.
    assert hidden(mask) == [[1, 1, 1], [1, 1, 1], [0, 0, 0]]


def test_suppress_rows_writes_none_and_lists_the_hidden_columns():
    rows = [
        {"name": "Mengwi", "shops": 7},
        {"name": "Kuta", "shops": 2},
        {"name": "Petang", "shops": 9},
        {"name": "Jumlah", "shops": 18},
    ]
    published = suppress_rows(rows, ["shops"], total_row=True)
    assert published == [
        {"name": "Mengwi", "shops": None, "suppressed": ["shops"]},
        {"name": "Kuta", "shops": None, "suppressed": ["shops"]},
        {"name": "Petang", "shops": 9, "suppressed": []},
        {"name": "Jumlah", "shops": 18, "suppressed": []},
    ]
    # Mengwi (7) is the smallest other cell: it goes with Kuta.
    assert [row["shops"] for row in published] == [None, None, 9, 18]
    assert [row["suppressed"] for row in published] == [["shops"], ["shops"], [], []]
    assert rows[0]["shops"] == 7  # the input is not changed


def test_suppress_rows_with_a_total_column_keeps_the_column_order():
    rows = [{"month": "2026-10", "low": 6, "high": 3, "all": 9}, {"month": "2026-11", "low": 8, "high": 7, "all": 15}]
    published = suppress_rows(rows, ["all", "low", "high"], total_column="all")
    assert published[0] == {"month": "2026-10", "low": None, "high": None, "all": 9, "suppressed": ["low", "high"]}
    assert published[1] == {"month": "2026-11", "low": 8, "high": 7, "all": 15, "suppressed": []}


def test_shares_are_hidden_when_a_count_is_hidden():
    assert share(3, 10) == 30.0
    assert share(1, 3) == 33.3
    assert share(2, 3) == 66.7
    assert share(None, 10) is None
    assert share(7, None) is None
    assert share(0, 0) is None


def test_display_shows_the_label_for_a_hidden_cell_and_nothing_for_no_value():
    row = {"name": "Jumlah", "code": None, "shops": None, "suppressed": ["shops"]}
    assert display(row, "shops") == SUPPRESSED_LABEL == "< 5"
    assert display(row, "code") == ""
    assert display(row, "name") == "Jumlah"
