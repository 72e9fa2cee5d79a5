"""The cohort funnel chart (workshops.charts.funnel_svg): well-formed SVG, accessible, text escaped, bars
proportional to the counts."""

import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString

from workshops.charts import WIDTH, funnel_svg

SVG = "{http://www.w3.org/2000/svg}"


def funnel(*counts, total=None):
    total = total if total is not None else (counts[0] if counts else 0)
    return [
        {
            "key": f"step_{index}",
            "label": f"Langkah {index}",
            "count": count,
            "percent": round(100 * count / total) if total else 0,
        }
        for index, count in enumerate(counts)
    ]


def parse(markup: str) -> ET.Element:
    """The chart parsed as XML: well-formed or a ParseError."""
    return ET.fromstring(markup)  # noqa: S314 - our own markup, built in the test


def bars(root):
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def test_the_chart_is_valid_accessible_svg_with_one_bar_per_step():
    markup = funnel_svg(funnel(10, 8, 5, 0), title="Perjalanan peserta", id_prefix="f1")

    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "f1-title f1-desc"
    assert root.find(f"{SVG}title").text == "Perjalanan peserta"
    assert root.find(f"{SVG}title").get("id") == "f1-title"
    assert "Langkah 1: 8 (80%)" in root.find(f"{SVG}desc").text
    steps = root.findall(f"{SVG}g")
    assert [step.get("data-step") for step in steps] == ["step_0", "step_1", "step_2", "step_3"]
    assert [step.get("data-count") for step in steps] == ["10", "8", "5", "0"]
    texts = ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Langkah 0", "10 · 100%"]
    assert texts[-2:] == ["Langkah 3", "0 · 0%"]


def test_bars_are_proportional_to_the_counts():
    root = parse(funnel_svg(funnel(10, 5, 2, 0)))

    assert bars(root) == [WIDTH, WIDTH / 2, WIDTH / 5, 0]


def test_the_longest_bar_is_the_largest_count_even_when_it_is_not_the_first():
    root = parse(funnel_svg(funnel(2, 4, total=4)))

    assert bars(root) == [WIDTH / 2, WIDTH]


def test_an_empty_cohort_draws_empty_bars():
    root = parse(funnel_svg(funnel(0, 0, 0)))

    assert bars(root) == [0, 0, 0]
    assert parse(funnel_svg([])).tag == f"{SVG}svg"


def test_labels_keys_and_title_are_escaped():
    hostile = [
        {"key": '"><script>alert(1)</script>', "label": '<script>alert("x")</script> & Co', "count": 3, "percent": 100}
    ]

    markup = funnel_svg(hostile, title="</title><script>", id_prefix='"x')

    assert "<script" not in markup
    root = parse(markup)  # still well-formed
    assert root.find(f"{SVG}title").text == "</title><script>"
    (step,) = root.findall(f"{SVG}g")
    assert step.get("data-step") == '"><script>alert(1)</script>'
    assert next(root.iter(f"{SVG}text")).text == '<script>alert("x")</script> & Co'
