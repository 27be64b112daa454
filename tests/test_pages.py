"""Article pages → Article (digest.sources.pages): whole pages in, the article body out.

The fixtures in fixtures/pages/ are constructed pages, each with a ``.txt`` holding the article
body a reader would mark (see pagefixtures.py). The parts have tests of their own beside this
file: test_pages_metadata, test_pages_furniture, test_pages_tidy and test_pages_teaser.
"""

from __future__ import annotations

import codecs
import datetime as dt
import time

import pytest
from pagefixtures import (
    FILLER,
    FILLER_HTML,
    GOLD_PAGES,
    KNOWN_LEFTOVERS,
    NEEDS_NORMALISE,
    SOURCE,
    UTC,
    gold,
    page,
    pipeline,
    read,
    texts,
)

from digest.model import Article, Paragraph
from digest.sources.pages import (
    Extraction,
    PageContent,
    PageError,
    extract_page,
    page_article,
)
from digest.text.decode import decode_page
from digest.text.normalise import normalise

# --- every fixture -----------------------------------------------------------------------------


# The lead's dateline is the article's on the page (the extractor keeps it), and normalise
# cuts it so that the lead reads as a sentence.
DATELINES = {"local_news": "VALLEY CITY —", "wire_service": "SANTIAGO, Feb 29 (Wirewire) -"}


def cleaned_gold(name: str) -> list[str]:
    """The gold article body as normalise leaves it: without the dateline before its lead."""
    expected = gold(name)
    if name in DATELINES:
        assert expected[0].startswith(DATELINES[name] + " ")
        expected[0] = expected[0].removeprefix(DATELINES[name]).lstrip()
    return expected


@pytest.mark.parametrize("name", GOLD_PAGES)
def test_every_gold_paragraph_is_kept_in_order(name: str) -> None:
    article = pipeline(name)
    got = texts(article.paragraphs)
    expected = cleaned_gold(name)
    assert [p for p in got if p in expected] == expected
    datelines = [r.text for r in article.removed if r.rule == "agency-dateline"]
    assert datelines == ([DATELINES[name]] if name in DATELINES else [])


@pytest.mark.parametrize("name", GOLD_PAGES)
def test_pipeline_output_is_exactly_the_article_body(name: str) -> None:
    got = texts(pipeline(name).paragraphs)
    assert [p for p in got if p not in KNOWN_LEFTOVERS.get(name, [])] == cleaned_gold(name)


@pytest.mark.parametrize("name", sorted(set(GOLD_PAGES) - NEEDS_NORMALISE - set(KNOWN_LEFTOVERS)))
def test_page_cleaning_alone_yields_the_article_body(name: str) -> None:
    assert texts(extract_page(read(name)).paragraphs) == gold(name)


# --- one fixture at a time -----------------------------------------------------------------------


def test_news_page_with_full_site_furniture() -> None:
    content = extract_page(read("news_full"), url="https://meridian.example/x?utm_source=rss")
    assert content.title == "Venezuela opposition claims victory as vote count stalls"
    assert content.author == "Jane Doe"
    assert content.published == dt.datetime(2024, 7, 29, 12, 5, tzinfo=UTC)
    assert content.url == "https://meridian.example/world/americas/2024/07/29/venezuela-vote-count"
    assert content.paragraphs[0].text.startswith(
        "Venezuela's main opposition coalition said on Monday"
    )
    assert all(p.kind == "body" for p in content.paragraphs)
    body = "\n".join(texts(content.paragraphs))
    for absent in (
        "We use cookies",  # cookie banner
        "Supporters of the opposition gather",  # figure caption
        "Photo: Getty Images",  # photo credit
        "By Jane Doe",
        "Latin America correspondent",  # byline
        "Share on",
        "Sign up to Americas Briefing",  # newsletter box inside the body
        "Privacy notice",
        "Tags",
        "Elections",  # tag list
        "Tens of thousands rally",  # related articles
        "Most read",
        "Heatwave breaks records",  # sidebar
        "Advertisement",
        "All rights reserved",
    ):
        assert absent not in body


def test_windows_1252_page_is_decoded_by_its_meta_charset() -> None:
    raw = read("windows1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    content = extract_page(raw)
    assert content.title == "Café owners in Seville count the cost of the summer heat"
    assert content.author == "Inés Muñoz"
    assert content.published == dt.datetime(2023, 8, 18, 8, 0, tzinfo=UTC)
    body = "\n".join(texts(content.paragraphs))
    assert "“We used to make half our money between two and six,” said José Ramírez" in body
    assert "€2,400" in body
    assert "businesses… and" in body
    assert "\ufffd" not in body
    assert "Ã" not in body


def test_home_page_is_not_an_article() -> None:
    with pytest.raises(PageError) as caught:
        extract_page(read("homepage"), url="https://meridian.example/")
    assert caught.value.problem == "no article text found on the page"
    assert "article" in caught.value.advice


def test_subheadings_are_kept_as_headings() -> None:
    content = extract_page(read("subheadings"))
    headings = [p.text for p in content.paragraphs if p.kind == "heading"]
    assert headings == [
        "When do the rules take effect?",
        'What counts as "removable"?',
        "Will phones get thicker?",
        "What should you do now?",
    ]
    assert content.paragraphs[0].kind == "body"
    assert content.title not in texts(content.paragraphs)  # the h1, repeated inside the article
    body = texts(content.paragraphs)
    assert "\u2022 Use an independent repair shop that offers a warranty on its work." in body
    joined = "\n".join(body)
    for absent in (
        "6 min read",
        "EU confirms USB-C",
        "Advertisement",
        "consumer technology editor",
        "Popular this week",
        "earn a commission",
    ):
        assert absent not in joined
    assert content.url == "https://techexplained.example/explainers/eu-battery-rules?utm_source=rss"
    # headings survive normalise as headings too
    article = normalise(page_article(content, SOURCE, key="k", url=None))
    assert [p.text for p in article.paragraphs if p.kind == "heading"] == headings


def test_a_pages_lists_keep_their_bullets_and_numbers() -> None:
    # as a feed's HTML lists do (digest.text.html): the summariser and the cleaning tell an
    # item for one, and a short one is no heading
    steps = (
        "<ol><li>Book a berth with the harbour office.</li><li>Wait for the green light</li>"
        "<li><p>Close the gate behind you.</p></li></ol>"
    )
    changes = "<ul><li>Fees rise in May</li><li>Gate hours change in June.</li></ul>"
    between = "Owners who keep boats at the eastern quay should also note two changes this year."
    content = extract_page(page(f"{FILLER_HTML}{steps}<p>{between}</p>{changes}"))
    got = texts(content.paragraphs)
    assert got[len(FILLER) :] == [
        "1. Book a berth with the harbour office.",
        "2. Wait for the green light",
        "3. Close the gate behind you.",
        between,
        "\u2022 Fees rise in May",
        "\u2022 Gate hours change in June.",
    ]
    article = normalise(page_article(content, SOURCE, key="k", url=None))
    assert all(p.kind == "body" for p in article.paragraphs)


def test_prose_boilerplate_is_left_to_normalise() -> None:
    extracted = texts(extract_page(read("prose_boilerplate")).paragraphs)
    assert "Advertisement" in extracted  # plain paragraphs: nothing on the page marks them
    body = "\n".join(texts(pipeline("prose_boilerplate").paragraphs))
    for absent in ("Read more", "Advertisement", "Sign up", "originally published", "©"):
        assert absent not in body


def test_wire_story_loses_its_signup_and_credit_lines() -> None:
    got = texts(extract_page(read("wire_service")).paragraphs)
    assert got[0].startswith("SANTIAGO, Feb 29 (Wirewire) - Copper production in Chile")
    assert "Sign up here." not in got  # a BEM part ("article-body__sign-up") of the body
    assert not any(p.startswith("Reporting by") for p in got)
    # Known gap: a site's standards note is plain text with no marker; neither stage knows it.
    assert got[-1] == "Our Standards: The Wirewire Trust Principles."


def test_local_story_loses_its_byline_and_tags() -> None:
    content = extract_page(read("local_news"))
    assert content.published == dt.datetime(2024, 4, 24, 5, 15, tzinfo=UTC)  # JSON-LD @graph
    assert content.author == "Kim Tran"
    got = texts(normalise(page_article(content, SOURCE, key="k", url=None)).paragraphs)
    assert not any("Related:" in p or "Tags:" in p for p in got)
    # Known gap: a "Contact the reporter" line is text boilerplate no rule covers yet.
    assert got[-1].startswith("Contact Kim Tran at")


# --- code, tables and layout tables ------------------------------------------------------------


def test_inline_code_and_line_breaks_never_split_a_sentence() -> None:
    article = pipeline("code_post")
    body = texts(article.paragraphs)
    # "comment!" and "tags" are <code> inside sentences: once paragraphs of their own, they
    # matched the comment-prompt and tag-list rules and took the text after them along.
    assert "comment!" not in body and "tags" not in body
    assert any("written a note in the config as comment! without the hash" in t for t in body)
    assert any("compare the parsed tags list with what you expected" in t for t in body)
    # a <br> is a line break inside the paragraph: "subscribe." stays in its sentence
    assert body[-1].endswith("the newsletter goes out once a month and is free to subscribe.")
    assert article.removed == ()


def test_terminal_sessions_are_kept_verbatim_even_when_they_repeat() -> None:
    article = pipeline("code_post")
    code = [p.text for p in article.paragraphs if p.kind == "code"]
    assert code == [block for block in gold("code_post") if block.startswith("$ ci-lint")]
    assert code[0].splitlines()[4] == "  test     skipped (no tags)"  # indentation kept
    assert code[1].splitlines()[:3] == code[0].splitlines()[:3]  # the second run is the point
    assert [p.kind for p in article.paragraphs].count("body") == 5


@pytest.mark.parametrize(
    ("name", "header", "first_row"),
    [
        (
            "standings_table",
            "Pos | Team | P | W | D | L | GD | Pts",
            "1 | Harbour United | 29 | 18 | 6 | 5 | +24 | 60",
        ),
        ("snap_counts", "Player | Pos | Snaps | Share", "Isaiah Grant | LT | 68 | 100%"),
        (
            "ticker_table",
            "Company | Ticker | Last | Change",
            "Tokyo Electron | 8035.T | 35,420 | +3.1%",
        ),
    ],
)
def test_data_tables_are_kept_as_rows_header_first(name: str, header: str, first_row: str) -> None:
    article = pipeline(name)
    rows = [p.text for p in article.paragraphs if p.kind == "row"]
    assert rows[:2] == [header, first_row]
    assert rows == [block for block in gold(name) if " | " in block]
    # rows alike in shape ("Marco Reyes | C | 68 | 100%" after "Isaiah Grant | LT | 68 | 100%")
    # are neither duplicates nor headings to the normalise stage
    assert article.removed == ()
    assert [p.kind for p in article.paragraphs if " | " in p.text] == ["row"] * len(rows)


def test_article_in_a_layout_table_is_read_from_its_cell() -> None:
    content = extract_page(read("layout_table"))
    assert texts(content.paragraphs) == gold("layout_table")
    assert content.extraction == Extraction()  # found at the first attempt


@pytest.mark.parametrize(
    "block",
    [
        "<pre>$ make\n  cc -o harbour harbour.c\n\n  ok</pre>",  # bare: no <code> inside
        "<div class='highlight'><pre><span class='gp'>$</span> make\n  cc -o harbour harbour.c"
        "\n\n  ok</pre></div>",
        "<table class='highlighttable'><tr><td class='linenos'><pre>1\n2\n3\n4</pre></td>"
        "<td class='code'><pre>$ make\n  cc -o harbour harbour.c\n\n  ok</pre></td></tr></table>",
    ],
)
def test_code_blocks_on_pages_are_code_whatever_their_markup(block: str) -> None:
    after = "After the build, the article carries on with another full sentence of prose."
    content = extract_page(page(f"{FILLER_HTML}{block}<p>{after}</p>"))
    assert content.paragraphs[-2:] == (
        Paragraph("$ make\n  cc -o harbour harbour.c\n\n  ok", "code"),
        Paragraph(after),
    )


def test_a_callout_written_as_div_text_is_a_paragraph_of_the_article() -> None:
    # Ghost's callout card (and many a "note" box) holds its sentence in a <div>, not a <p>:
    # trafilatura kept only the <p>s around it
    content = extract_page(read("ghost_callout"))
    got = texts(content.paragraphs)
    assert got == gold("ghost_callout")
    assert "Never swim alone in cold water" in got[2]
    assert not any(text in ("⚠️", "💡") for text in got)  # the card's icon is no text


def test_a_live_blog_keeps_every_post_with_its_heading() -> None:
    # each post is an <article> of its own under the page's headline: trafilatura read the
    # first as the whole article and lost the rest
    content = extract_page(read("live_updates"))
    assert texts(content.paragraphs) == gold("live_updates")
    headings = [p.text for p in content.paragraphs if p.kind == "heading"]
    assert headings == [
        "Rail line closed after tree falls on track",
        "Gust of 91mph recorded at the lighthouse",
        "Schools in three towns stay shut",
        "All ferry sailings cancelled",
    ]


# A live blog's posts, each with a heading and paragraphs; the first (the pinned summary) as
# long as the others together, so that trafilatura's own readability check keeps its cut.
LIVE_POSTS = [
    ("What we know so far", FILLER),
    ("Quay closed to vehicles", [FILLER[1]]),
    ("Crews land their catch elsewhere", [FILLER[2]]),
]


def live_blog(post: str, headline_inside: bool) -> str:
    """A live blog page whose posts are written with ``post`` (a format of heading, body);
    its headline inside an ``<article>`` of its own around the posts (a WordPress post) or
    standing above them (Arc)."""
    posts = "".join(
        post.format(heading=heading, body="".join(f"<p>{text}</p>" for text in paragraphs))
        for heading, paragraphs in LIVE_POSTS
    )
    headline = "<h1>Harbour storm: live updates</h1>"
    if headline_inside:
        main = f'<article class="post-7 post type-post"><header>{headline}</header>'
        main += f'<div class="liveblog-feed">{posts}</div></article>'
    else:
        main = f'<div class="live-header">{headline}</div><div class="live-feed">{posts}</div>'
    return page("").replace(
        '<article><h1>Harbour repairs begin after winter storms</h1><div class="article-body">'
        "</div></article>",
        main,
    )


@pytest.mark.parametrize(
    ("post", "headline_inside"),
    [
        # each post's body named as an article's is (WordPress's entry-content, Arc's
        # microdata): trafilatura reads first a block named so, and read the first post alone
        pytest.param(
            '<article class="liveblog-entry"><h2>{heading}</h2>'
            '<div class="entry-content">{body}</div></article>',
            True,
            id="wordpress",
        ),
        pytest.param(
            '<article class="c-live-post" itemscope itemtype="https://schema.org/BlogPosting">'
            '<h2 itemprop="headline">{heading}</h2><div itemprop="articleBody">{body}</div>'
            "</article>",
            False,
            id="microdata",
        ),
        pytest.param(
            '<article class="post"><h2>{heading}</h2>{body}</article>', False, id="class-post"
        ),
    ],
)
def test_a_live_blog_whose_posts_are_named_as_articles_keeps_every_post(
    post: str, headline_inside: bool
) -> None:
    content = extract_page(live_blog(post, headline_inside))
    expected = [text for heading, paragraphs in LIVE_POSTS for text in (heading, *paragraphs)]
    assert texts(content.paragraphs) == expected
    assert [p.text for p in content.paragraphs if p.kind == "heading"] == [
        heading for heading, _ in LIVE_POSTS
    ]


def test_articles_elsewhere_on_the_page_are_not_the_posts_of_an_article_with_its_headline() -> None:
    # the headline's own <article> holds the text; the cards after it are other stories
    cards = "".join(
        f'<article class="card"><h3><a href="/{n}">Other story {n}</a></h3>'
        f"<p>{FILLER[n]}</p></article>"
        for n in (2, 3)
    )
    html = page(f"<p>{FILLER[0]}</p><p>{FILLER[1]}</p>").replace(
        "</main>", f'<section class="more">{cards}</section></main>'
    )
    assert texts(extract_page(html).paragraphs) == FILLER[:2]


LEAD = (
    "The harbour wall will be closed to walkers from Monday while crews rebuild the two "
    "sections the winter storms tore open."
)


@pytest.mark.parametrize(
    "lead",
    [
        pytest.param(f'<p class="article__intro">{LEAD}</p>', id="p"),
        pytest.param(
            f'<div class="b-article-lead"><p class="c-paragraph">{LEAD}</p></div>', id="div-p"
        ),
        pytest.param(
            f'<div class="field field--name-field-lead-paragraph field__item">{LEAD}</div>',
            id="div-text",
        ),
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param('<div class="article-body">', id="article-body"),
        pytest.param('<div class="text-content field--name-body">', id="drupal"),
    ],
)
def test_a_lead_set_apart_before_the_body_container_is_its_first_paragraph(
    lead: str, body: str
) -> None:
    # between the headline and the body's container, after the byline and the picture:
    # trafilatura read the container alone and the article began at its second paragraph
    furniture = (
        '<div class="meta"><time datetime="2025-04-03">3 April 2025</time></div>'
        '<figure><img src="/wall.jpg" alt="The harbour wall"><figcaption>The harbour wall '
        "in March.</figcaption></figure>"
    )
    html = page(FILLER_HTML).replace('<div class="article-body">', f"</div>{furniture}{lead}{body}")
    html = html.replace("<article><h1>", '<article><div class="head"><h1>')
    assert f"</h1></div>{furniture}{lead}{body}" in html
    assert texts(extract_page(html).paragraphs) == [LEAD, *FILLER]


def test_only_a_lead_written_as_prose_joins_the_body() -> None:
    # a teaser of another story (mostly its link), a label and the article's header (the
    # headline with its summary) stand there too, and stay out
    teaser = (
        '<div class="teaser"><a href="/wall">Harbour wall: how the storms broke through '
        "the old stonework in January.</a></div>"
    )
    dek = "<p>Walkers must take the long way round the quay all summer, the council says.</p>"
    html = page(FILLER_HTML).replace(
        '<h1>Harbour repairs begin after winter storms</h1><div class="article-body">',
        f"<header><h1>Harbour repairs begin after winter storms</h1>{dek}</header>"
        f'{teaser}<div class="label">Updated</div><div class="article-body">',
    )
    got = texts(extract_page(html).paragraphs)
    assert got == FILLER
    assert "Harbour wall: how the storms" in html


def test_whole_articles_one_after_another_are_not_read_as_one() -> None:
    # the next story loaded below this one, with its own headline, is not this article
    cinema = [
        "The town's last cinema will close in May after its owners failed to find a buyer.",
        "The building has shown films since 1931, and the council has been asked to list it.",
    ]
    html = page("").replace(
        '<article><h1>Harbour repairs begin after winter storms</h1><div class="article-body">'
        "</div></article>",
        f"<article><h1>Harbour repairs begin after winter storms</h1>{FILLER_HTML}</article>"
        f"<article><h1>Cinema to close in May</h1><p>{cinema[0]}</p><p>{cinema[1]}</p></article>",
    )
    assert "Cinema to close" in html
    assert texts(extract_page(html).paragraphs) == FILLER


@pytest.mark.parametrize(
    "after",
    [
        # a bio or a newsletter line after the article's last paragraph, in a bare <div>
        "<div>Kim Tran is the Courier's harbour and transport reporter. She has covered "
        "the port since 2019.</div>",
        "<div>Sign up for our free morning newsletter to get the day's harbour news in your "
        "inbox.</div>",
    ],
)
def test_a_sentence_written_after_the_articles_paragraphs_stays_out(after: str) -> None:
    # the article ended with its last paragraph: a <div> sentence after it is about the
    # article (its author, the site's newsletter), not in it
    content = extract_page(page(f"{FILLER_HTML}{after}"))
    assert texts(content.paragraphs) == FILLER


@pytest.mark.parametrize(
    "bio",
    [
        "<div><a rel='author' href='/staff/kim-tran'>Kim Tran</a> is the Courier's harbour and "
        "transport reporter, and has covered the port since 2019.</div>",
        "<div><span class='author-name'>Kim Tran</span> is the Courier's harbour and transport "
        "reporter, and has covered the port since 2019.</div>",
    ],
)
def test_a_bio_among_the_paragraphs_is_told_by_its_author_link_or_name(bio: str) -> None:
    # a bio placed between the paragraphs (a "more from this author" box before the last
    # one); its block has no name, its author's link or name does
    content = extract_page(page(f"{FILLER_HTML}{bio}<p>{FILLER[0]} Again.</p>"))
    assert texts(content.paragraphs) == [*FILLER, f"{FILLER[0]} Again."]


def test_a_label_in_a_div_among_paragraphs_stays_out() -> None:
    # only a sentence becomes a paragraph: a date, a button's words or a credit does not
    labels = (
        "<div class='updated'>Updated 14 March 2025, 10:42</div>"
        "<div class='credit'><span>Reporting by</span> <a href='/k'>Kim Tran</a></div>"
    )
    after = "The harbour master said the quay would reopen to vehicles in September."
    content = extract_page(page(f"{FILLER_HTML}{labels}<p>{after}</p>"))
    assert texts(content.paragraphs)[-1] == after
    assert not any("Updated 14 March" in p.text or "Kim Tran" in p.text for p in content.paragraphs)


def test_a_caption_written_as_div_text_beside_its_picture_stays_out() -> None:
    # a picture block among the paragraphs: its sentence describes a picture the digest does
    # not show, and read in the article it breaks the story off mid-way
    caption = "Waves break over the old harbour wall during the January storm, which flooded homes."
    figure = (
        "<div class='wp-block-image'><img src='/storm.jpg'>"
        f"<div class='img-desc'>{caption}</div></div>"
    )
    content = extract_page(page(f"{FILLER_HTML}{figure}<p>{FILLER[0]} Again.</p>"))
    assert texts(content.paragraphs) == [*FILLER, f"{FILLER[0]} Again."]


def test_thousands_of_div_lines_in_one_container_are_read_quickly() -> None:
    # each line counted the paragraphs beside it again: 8,000 lines took over ten seconds
    lines = "".join(
        f"<div>Line {n} of the transcript, as the clerk read it out.</div>" for n in range(8000)
    )
    # (CPU time, not wall time: a busy machine must not fail it; about 0.4 s here)
    start = time.process_time()
    content = extract_page(page(f"{FILLER_HTML}<div>{lines}</div>"))
    assert time.process_time() - start < 3
    assert texts(content.paragraphs)[: len(FILLER)] == FILLER


def test_a_quotation_is_not_code() -> None:
    content = extract_page(
        page(f"{FILLER_HTML}<blockquote>We will be back\n  by summer.</blockquote>")
    )
    assert content.paragraphs[-1] == Paragraph("We will be back by summer.")


# --- a second opinion ----------------------------------------------------------------------------


def test_page_whose_extraction_is_only_a_reprint_notice_gets_its_article_from_readability() -> None:
    content = extract_page(read("reprint_notice"))
    assert content.extraction.extractor == "readability"
    assert "mostly a notice" in content.extraction.reason
    article = pipeline("reprint_notice")
    assert texts(article.paragraphs)[:6] == gold("reprint_notice")
    assert article.extraction.startswith("readability: trafilatura's result was implausible")


@pytest.mark.parametrize("name", ["news_full", "wordpress_blog", "subheadings", "code_post"])
def test_plausible_pages_are_read_once(name: str) -> None:
    assert extract_page(read(name)).extraction == Extraction()


def test_main_result_is_kept_when_the_second_extractor_finds_no_more() -> None:
    notice = (
        "Copyright 2024 Harbour Post. All rights reserved. This article may not be reprinted or "
        "redistributed without permission; for licensing contact permissions@post.example."
    )
    content = extract_page(page(f"<p>{FILLER[0]}</p><p>{notice}</p><p>{notice} Again.</p>"))
    assert content.extraction.extractor == "trafilatura"
    assert content.extraction.reason.startswith("kept although its text was mostly a notice")
    assert texts(content.paragraphs)[0] == FILLER[0]


# --- what counts as an article -------------------------------------------------------------------


def test_short_article_is_accepted_when_the_page_declares_one() -> None:
    content = extract_page(page(f"<p>{FILLER[0]}</p><p>{FILLER[1]}</p>"))
    assert texts(content.paragraphs) == FILLER[:2]


def test_short_text_on_a_page_that_is_not_declared_an_article_is_rejected() -> None:
    html = page(f"<p>{FILLER[0]}</p><p>{FILLER[1]}</p>").replace(
        '<meta property="og:type" content="article">', '<meta property="og:type" content="website">'
    )
    with pytest.raises(PageError):
        extract_page(html)


@pytest.mark.parametrize("raw", [b"", b"   ", "<html><body></body></html>", b"\x00\x01\x02binary"])
def test_empty_or_non_html_input_raises_page_error(raw: bytes | str) -> None:
    with pytest.raises(PageError) as caught:
        extract_page(raw)
    assert caught.value.problem == "no article text found on the page"


def test_str_input_with_an_xml_encoding_declaration() -> None:
    html = '<?xml version="1.0" encoding="windows-1252"?>\n' + page(
        FILLER_HTML.replace("four", "fóur")
    )
    assert any("fóur" in t for t in texts(extract_page(html).paragraphs))


# --- decoding -------------------------------------------------------------------------------------


def test_latin1_label_is_read_as_windows_1252() -> None:
    raw = b'<html><head><meta charset="iso-8859-1"></head><body><p>\x93Quoted\x94 caf\xe9</p>'
    assert "“Quoted” café" in decode_page(raw)


def test_valid_utf8_wins_over_a_stale_legacy_label() -> None:
    raw = '<html><head><meta charset="windows-1252"></head><body><p>café \u2013 ok</p>'
    assert "café \u2013 ok" in decode_page(raw.encode("utf-8"))


def test_unlabelled_page_falls_back_per_bad_byte_run() -> None:
    raw = "<html><body><p>naïve ".encode() + b"\x93quote\x94</p></body></html>"
    assert "naïve “quote”" in decode_page(raw)


def test_bom_beats_the_label() -> None:
    raw = codecs.BOM_UTF8 + '<meta charset="windows-1252"><p>café</p>'.encode()
    assert "café" in decode_page(raw)


def test_unknown_label_falls_back_to_utf8() -> None:
    raw = '<meta charset="no-such-charset"><p>café</p>'.encode()
    assert "café" in decode_page(raw)


# --- page_article ---------------------------------------------------------------------------------


def test_page_article_carries_the_page_and_source_fields() -> None:
    content = PageContent(
        title="Harbour repairs begin",
        paragraphs=(Paragraph("Body."),),
        published=dt.datetime(2024, 3, 1, 9, tzinfo=UTC),
        author="Jane Doe",
        url="https://news.example/canonical",
    )
    article = page_article(content, SOURCE, key="guid-1", url="https://news.example/from-feed")
    assert article == Article(
        key="guid-1",
        source="Example News",
        title="Harbour repairs begin",
        paragraphs=(Paragraph("Body."),),
        url="https://news.example/from-feed",
        published=dt.datetime(2024, 3, 1, 9, tzinfo=UTC),
        author="Jane Doe",
        category=None,  # the source's category is ingest's to apply (test_ingest)
        extraction="trafilatura",
    )
    assert page_article(content, SOURCE, key="k", url=None).url == "https://news.example/canonical"


RUSSIAN = "Городской совет утвердил новый план гавани после долгих споров"


def test_http_charset_decodes_a_page_without_a_meta_charset() -> None:
    raw = f"<html><body><p>{RUSSIAN}.</p></body></html>".encode("windows-1251")
    assert decode_page(raw) != f"<html><body><p>{RUSSIAN}.</p></body></html>"  # unlabelled
    text = decode_page(raw, "text/html; charset=windows-1251")
    assert RUSSIAN in text


def test_http_charset_wins_over_the_pages_meta_charset() -> None:
    raw = (
        f'<html><head><meta charset="iso-8859-1"></head><body><p>{RUSSIAN}.</p></body></html>'
    ).encode("koi8-r")
    assert RUSSIAN in decode_page(raw, 'text/html; charset="KOI8-R"')
    assert RUSSIAN not in decode_page(raw)  # the meta alone misleads


def test_unusable_http_charset_falls_back_to_the_meta_charset() -> None:
    raw = read("windows1252")
    assert "José Ramírez" in decode_page(raw, "text/html; charset=no-such-charset")


def test_an_html_fragment_is_read_as_a_page() -> None:
    # a feed entry's HTML saved to a file: no <html> or <body>, the article in an <article>
    paragraphs = [
        "A flaw in the lock screen lets anyone open the phone by tapping the emergency call "
        "button three times, researchers at a university lab reported on Tuesday.",
        "The first time you try it, nothing happens. The third time, the home screen opens.",
        "The maker said a fix would ship within days and urged owners to switch on a passcode "
        "delay until then; the lab said it had told the company in August.",
        "Security researchers not involved in the work called it one of the most serious "
        "flaws found in the platform in years, since it needs no tools and no skill.",
    ]
    fragment = "<article>\n\t<section>" + "".join(f"<p>{p}</p>" for p in paragraphs)
    page = extract_page(fragment + "</section></article>")
    assert [p.text for p in page.paragraphs] == paragraphs
