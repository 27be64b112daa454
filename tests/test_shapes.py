"""What a paragraph looks like: code, table rows, prose and teasers, told by form alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.text import shapes

CODE = [
    "def parse_tags(line):\n    _, _, rest = line.partition(':')\n    return rest.split(',')",
    "$ python bench.py\nparse: 412 ms\nrender: 88 ms",
    "files = sorted(os.listdir(folder))",
    'const items = await fetch("/api/items").then((r) => r.json());',
    "<List items={items} />",
    '"dependencies": {',
    "created_by = iD 2.30.4",
    "pip install feed_reader",
    "max_items",
]
PROSE = [
    "The fix is to sort the list returned by os.listdir(), which the docs say has no order.",
    "Shares rose 4% to $180.50 (a record) on Monday; analysts had expected a fall.",
    "The council voted 31 to 12 in favour of the plan on Wednesday evening.",
    "Ingredients",
    "1 onion, chopped",
    # someone's handle is no identifier
    "Follow us on Instagram @harbour_news",
    "submitted by /u/harbour_watch [link] [comments]",
]


@pytest.mark.parametrize("text", CODE)
def test_code_looks_like_code(text: str) -> None:
    assert shapes.looks_like_code(text)


@pytest.mark.parametrize("text", PROSE)
def test_prose_and_list_items_do_not(text: str) -> None:
    assert not shapes.looks_like_code(text)


def test_symbol_lines() -> None:
    assert shapes.is_symbol_line("});") and shapes.is_symbol_line("...")
    assert not shapes.is_symbol_line("}) else {") and not shapes.is_symbol_line("")


def test_table_cells() -> None:
    assert shapes.table_cells("1 | TSV Oberau | 12 | 30") == 4
    assert shapes.table_cells("Pos\tTeam\tPoints") == 3
    assert shapes.table_cells("Whether to go | or to stay") == 2
    assert shapes.table_cells("A sentence with no cells.") == 0


def test_prose_is_measured_against_the_article_so_far() -> None:
    wire = "Schools in 30 districts were closed."
    assert shapes.reads_like_prose(wire, typical_length=60)  # a wire story's paragraphs
    assert not shapes.reads_like_prose(wire, typical_length=300)  # a feature's: a teaser
    assert not shapes.reads_like_prose("Coastal towns brace for flooding", typical_length=20)


def test_teasers_are_headlines_not_names_or_data() -> None:
    assert shapes.teaser_like("Coastal towns brace for flooding")
    assert not shapes.teaser_like("Jack Baty")
    # a list's bullet is no word: a name in a list is still a name
    assert not shapes.teaser_like("\u2022 Jack Baty")
    assert not shapes.teaser_like("2. Jack Baty")
    assert shapes.teaser_like("\u2022 Coastal towns brace for flooding")
    assert not shapes.sentence_like("\u2022 Fixed it.")
    assert shapes.sentence_like("\u2022 Fixed it at last.")
    assert not shapes.teaser_like("comment = minor edit")
    assert not shapes.teaser_like("1 | TSV Oberau | 12 | 30")


def test_heading_like() -> None:
    assert shapes.heading_like("What happens next")
    assert not shapes.heading_like("It will take four years.")
    assert not shapes.heading_like("- Replace the pipes")


# Text as paragraphs hold it: letters of several scripts, digits, spaces, ASCII and
# typographic punctuation, symbols.
PARAGRAPH_CHARS = st.text(
    st.one_of(
        st.characters(codec="ascii", exclude_categories=("Cc",)),
        st.sampled_from(" \t\n’‘“”„—–…«»•é ßİıΣςжк中😀\u00a0\u2009\x1c_"),
        st.characters(exclude_categories=("Cc", "Cs")),
    ),
    max_size=80,
)


@given(PARAGRAPH_CHARS)
def test_words_are_the_runs_of_word_characters(text: str) -> None:
    # Whichever path a text takes (ASCII, ASCII but for typographic marks, or the general
    # expression), its words are the same.
    assert shapes.words(text) == re.findall(r"\w+", text.casefold())


def test_words_of_text_with_control_characters() -> None:
    # ASCII text keeps a control character inside its word, as fingerprints stored by
    # earlier versions do ("\x00link" stands for a link in a recurring paragraph); text that
    # is ASCII only once its quotes are blanked must not gain that: it reads as before.
    assert shapes.words("See \x00link now") == ["see", "\x00link", "now"]
    assert shapes.words("See \u2019\x00link now") == ["see", "link", "now"]
    assert shapes.words("It\u2019s \u201cfine\u201d \u2014 OK\u2026") == ["it", "s", "fine", "ok"]


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_quick_code_hint_is_the_plain_expression(text: str) -> None:
    # The quick hint is written for speed; it must find a hint exactly where the plain
    # expression it stands for does.
    plain = re.compile(r"[{}=<>|\\`;_\n]|\$\S|\w\(")
    assert (shapes._QUICK_HINT.search(text) is None) == (plain.search(text) is None)


def test_a_list_of_time_marks_runs_forward() -> None:
    chapters = ["Chapters:", "00:00 Intro", "(01:42) Why not?", "[1:02:33] Questions", "Bye"]
    assert shapes.timestamp_list(chapters) == {1, 2, 3}
    assert shapes.timestamp_mark("[1:02:33] Questions") == 3753
    # a live blog's entries, newest first, and one time alone are text
    assert shapes.timestamp_list(["14:05 The minister arrived.", "13:40 Crowds gathered."]) == set()
    assert shapes.timestamp_list(["Intro", "10:30 The ferry left.", "It was late."]) == set()


def test_a_line_that_links_is_no_code_for_its_address() -> None:
    assert not shapes.looks_like_code(
        "Subscribe for more: https://www.youtube.com/@leithcycle?sub_confirmation=1"
    )
    assert not shapes.looks_like_code("Merch: https://shop.example/leith_cycle")
    assert shapes.looks_like_code('requests.get("https://api.example/v1", timeout=5)')


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("#cycling #leith #edinburgh", 3),
        ("#COP28, #climate", 2),
        ("#3dprinting #makers", 2),
        ("#black-friday", 1),
        ("#2024 #1", 0),  # a year and a rank are no tags
        ("# Intro", 0),  # a Markdown heading
        ("A ride for #BikeWeek today", 0),
        ("#leith is where we ride", 0),
    ],
)
def test_a_line_of_hashtags(text: str, count: int) -> None:
    assert shapes.hashtags(text) == count


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("- a new oak frame", True),
        ("\u25b6 Watch next: the canal route", True),
        ("Merch: https://shop.example/leith", True),
        ("https://harbourcouncil.example/budget.pdf", True),
        ("#cycling #leith", True),
        ("Camera: Sony A7 IV", False),  # a label is a list's line beside another one only
        ("The canal route is the clear winner.", False),
    ],
)
def test_a_list_line_by_its_own_form(line: str, listed: bool) -> None:
    assert shapes.list_line(line) is listed


@pytest.mark.parametrize(
    ("text", "number", "item"),
    [
        ("Fixed a crash", None, "\u2022 Fixed a crash"),
        ("Precalienta el horno.", 2, "2. Precalienta el horno."),
        # a bullet or a number of its own stays as it is
        ("- Fixed a crash", None, "- Fixed a crash"),
        ("3) Heat the oven", 1, "3) Heat the oven"),
        ("", None, ""),
    ],
)
def test_text_written_as_a_lists_item(text: str, number: int | None, item: str) -> None:
    assert shapes.as_list_item(text, number) == item
    if item:
        assert shapes.is_list_item(item)


def test_a_bullet_marks_an_item_alone_and_a_dash_or_a_figure_does_not() -> None:
    assert shapes.bulleted("\u2022 Fixed a crash")
    assert shapes.bulleted("* Fixed a crash")
    assert not shapes.bulleted("- Jane Doe")  # a quotation's signature
    assert not shapes.bulleted("1. FC Köln won the cup")
    assert not shapes.bulleted("\u2022Fixed")  # no item: no space after the bullet


@pytest.mark.parametrize(
    ("text", "lower"),
    [
        ("\u2022 sign up", True),
        ("- fixed a crash", True),
        ("2. mezcla la harina", True),
        ("going on a sentence", True),
        ("\u2022 Sign up", False),
        ("Sign up", False),
        ("\u2022 2026 budget", False),
    ],
)
def test_opening_in_lower_case_is_read_past_a_lists_bullet(text: str, lower: bool) -> None:
    assert shapes.opens_in_lower_case(text) is lower
