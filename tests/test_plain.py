import pytest
from growth import GENEROUS, growth

from digest.model import Paragraph
from digest.text.plain import text_to_paragraphs


def texts(paragraphs: list[Paragraph]) -> list[str]:
    return [p.text for p in paragraphs]


def test_blank_line_separated_paragraphs() -> None:
    text = "First paragraph here.\n\nSecond one.\r\n\r\nThird."
    assert texts(text_to_paragraphs(text)) == ["First paragraph here.", "Second one.", "Third."]


def test_one_paragraph_per_line_without_blank_lines() -> None:
    text = (
        "The council met on Tuesday to discuss the budget for the coming year in detail.\n"
        "Members disagreed sharply about the proposed cuts to the library service budget.\n"
        "A vote is expected next month."
    )
    assert len(text_to_paragraphs(text)) == 3


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "The harbour authority said on Monday that the new ferry terminal would\n"
        "open in the spring, two years later than first planned, after delays to\n"
        "the steel deliveries.\n"
        "\n"
        "Passengers will be able to buy tickets online from March."
    )
    assert texts(text_to_paragraphs(text)) == [
        "The harbour authority said on Monday that the new ferry terminal would open in the "
        "spring, two years later than first planned, after delays to the steel deliveries.",
        "Passengers will be able to buy tickets online from March.",
    ]


def test_heading_line_directly_above_a_paragraph_stays_separate() -> None:
    text = "Oil sanctions\nThe conflict is also about energy and borders, officials said today.\n"
    assert texts(text_to_paragraphs(text)) == [
        "Oil sanctions",
        "The conflict is also about energy and borders, officials said today.",
    ]


def test_markdown_headings_lists_and_links() -> None:
    text = (
        "## What happened\n\nThe [city council](https://example.org/council) voted **yes**\n"
        "on the plan.\n\n- first point\n- second point\n"
    )
    assert text_to_paragraphs(text, markdown=True) == [
        Paragraph("What happened", "heading"),
        Paragraph("The city council voted yes on the plan."),
        Paragraph("\u2022 first point"),  # an item keeps its bullet, as an HTML list's does
        Paragraph("\u2022 second point"),
    ]


def test_a_markdown_list_reads_as_the_same_list_in_html() -> None:
    from digest.text.html import html_to_paragraphs

    markdown = (
        "Changes:\n\n* Fixed a crash on start\n* Added **dark** mode\n\n1. Unpack it\n2) Run it\n"
    )
    html = (
        "<p>Changes:</p><ul><li>Fixed a crash on start</li><li>Added <b>dark</b> mode</li></ul>"
        "<ol><li>Unpack it</li><li>Run it</li></ol>"
    )
    assert texts(text_to_paragraphs(markdown, markdown=True)) == texts(html_to_paragraphs(html))
    assert texts(text_to_paragraphs(markdown, markdown=True))[1:] == [
        "\u2022 Fixed a crash on start",
        "\u2022 Added dark mode",
        "1. Unpack it",
        "2. Run it",
    ]


def test_a_fenced_code_block_in_markdown_is_kept_as_written() -> None:
    text = (
        "Install it and run:\n\n```python\ndef main():\n    print('hello')\n\n    return 0\n```\n\n"
        "That is all there is to it.\n"
    )
    assert text_to_paragraphs(text, markdown=True) == [
        Paragraph("Install it and run:"),
        Paragraph("def main():\n    print('hello')\n\n    return 0", "code"),
        Paragraph("That is all there is to it."),
    ]


# --- hostile Markdown: linear time ---------------------------------------------------------------

# Each line once took time growing with the square (the heading: the cube) of its length:
# a heading with a long run of blanks inside, brackets that never close, ** that never closes.
HOSTILE_MARKDOWN = {
    "blanks inside a heading": (lambda n: "# a" + " " * n + "x", 150),
    "brackets that never close": (lambda n: "[" * n, 2_000),
    "bold that never closes": (lambda n: "**a " * (n // 4), 2_000),
}


@pytest.mark.parametrize("case", HOSTILE_MARKDOWN, ids=list(HOSTILE_MARKDOWN))
def test_hostile_markdown_is_read_in_linear_time(case: str) -> None:
    make, size = HOSTILE_MARKDOWN[case]
    ratio = growth(lambda text: text_to_paragraphs(text, markdown=True), make, size)
    assert ratio < GENEROUS, f"ten times the input took {ratio:.0f} times as long"


def test_markdown_inline_and_heading_marks_still_go() -> None:
    text = (
        "## Harbour plan ##\n\n[The council](https://a.example/(x)) met, **at last**.\n\n# Why C#"
    )
    assert [(p.text, p.kind) for p in text_to_paragraphs(text, markdown=True)] == [
        ("Harbour plan", "heading"),
        ("The council met, at last.", "body"),
        ("Why C#", "heading"),  # a # that ends a word is no closing sequence (CommonMark)
    ]


def test_list_lines_beside_wrapped_prose_stay_apart() -> None:
    # show notes: wrapped prose, then a list with its heading, with no blank line between
    text = (
        "This week we talk to the harbour master about the new ferry terminal, and\n"
        "why the steel for it arrived two years late.\n"
        "Timestamps:\n"
        "(00:00) Welcome\n"
        "(03:15) The terminal plan\n"
        "(21:40) Steel and the supply chain\n"
        "Links:\n"
        "- https://harbour.example/terminal\n"
        "Host: Ana Ruiz\n"
        "Guest: Tom Hale, the harbour master of Leith"
    )
    assert texts(text_to_paragraphs(text)) == [
        "This week we talk to the harbour master about the new ferry terminal, and why the"
        " steel for it arrived two years late.",
        "Timestamps:",
        "(00:00) Welcome",
        "(03:15) The terminal plan",
        "(21:40) Steel and the supply chain",
        "Links:",
        "- https://harbour.example/terminal",
        "Host: Ana Ruiz",
        "Guest: Tom Hale, the harbour master of Leith",
    ]


def test_one_time_or_label_opening_a_wrapped_line_is_still_prose() -> None:
    # a time or a "word:" that the wrapping put at a line's start is no list alone
    text = (
        "The harbour authority said the ferry to Kirkcaldy would leave at\n"
        "10:30 on weekdays from April, and that the evening crossing would return\n"
        "later: not before the summer timetable, which is due in May."
    )
    assert texts(text_to_paragraphs(text)) == [" ".join(text.split("\n"))]


def test_a_label_and_the_one_link_under_it_are_one_line() -> None:
    text = (
        "Support me on Patreon:\nhttps://patreon.com/leithcycle\n"
        "Gear I use:\nhttps://kit.co/leithcycle/gear\nhttps://kit.co/leithcycle/camera"
    )
    assert texts(text_to_paragraphs(text)) == [
        "Support me on Patreon: https://patreon.com/leithcycle",
        "Gear I use:",
        "https://kit.co/leithcycle/gear",
        "https://kit.co/leithcycle/camera",
    ]


def test_a_wrapped_line_opening_with_a_dash_or_a_few_words_and_a_colon_is_still_prose() -> None:
    # hard-wrapped email prose: the wrapping put a spaced dash, "said:" or "all -" at a
    # line's start; read as list lines, each paragraph was cut into its lines mid-sentence
    dashes = (
        "The minister said the new rules would take effect in January and\n"
        "- despite the objections of the smaller firms - would apply to all\n"
        "companies with more than fifty employees, from the first day."
    )
    colons = (
        "The minister said: the new rules take effect in January and will\n"
        "apply to all - including small firms that had asked for a delay. The\n"
        "opposition has promised to fight the plan in parliament next week."
    )
    em_dash = (
        "He said he would come back after the war was over, and she waited\n"
        "\u2014 but he never did, and the house on the hill stood empty for\n"
        "years before anyone thought to sell it to the family next door."
    )
    link = (
        "The full report, which runs to 300 pages, is available on the website\n"
        "of the ministry - https://example.org/report/2026/full-text.pdf\n"
        "and will be debated in parliament next month, officials said."
    )
    for text in (dashes, colons, em_dash, link):
        assert texts(text_to_paragraphs(text)) == [" ".join(text.split("\n"))]


def test_short_lines_in_lower_case_that_end_no_sentence_stay_apart() -> None:
    # an ingredient list (and a poem) goes on line by line; joined, it read "200g flour salt
    # pepper a pinch of sugar"
    recipe = "Ingredients:\n2 eggs\n200g flour\nsalt\npepper\na pinch of sugar"
    assert texts(text_to_paragraphs(recipe)) == recipe.split("\n")
    poem = "so much depends\nupon\n\na red wheel\nbarrow"
    assert texts(text_to_paragraphs(poem)) == ["so much depends", "upon", "a red wheel", "barrow"]


def test_a_long_line_and_a_short_one_that_ends_no_sentence_stay_two() -> None:
    # a name and its address, a poem's two lines: no paragraph wrapped at 72 columns
    address = "Department of Transport and Infrastructure Services\n1 Market Square\n"
    assert [p.text for p in text_to_paragraphs(address)] == [
        "Department of Transport and Infrastructure Services",
        "1 Market Square",
    ]
    # a wrapped sentence's last words in lower case still go on it
    wrapped = (
        "The council said the work would start on Monday and run until the end of\nthe month\n"
    )
    assert [p.text for p in text_to_paragraphs(wrapped)] == [
        "The council said the work would start on Monday and run until the end of the month"
    ]
