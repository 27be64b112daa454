"""Code blocks and table rows through the normalise stage (digest.text.verbatim) and the
summariser, which never takes a sentence from them."""

from __future__ import annotations

from digest.model import Article, Paragraph
from digest.summarise import lead_sentences
from digest.text.normalise import ORPHAN_HEADING, normalise

PROSE = (
    "The league table after the weekend shows Harbour clear at the top with nine games left.",
    "Harbour play Stonebridge at home on Tuesday night, while Riverside travel on Wednesday.",
)
RUN = "$ ci-run --dry pipeline.yml\n  build    scheduled\n\n  test     scheduled"


def article(*paragraphs: Paragraph, title: str = "Harbour go top") -> Article:
    return Article(key="k", source="County Sport", title=title, paragraphs=paragraphs)


def test_table_rows_stay_rows_and_alike_rows_all_stay() -> None:
    rows = (
        Paragraph("Team | P | Pts", "row"),
        Paragraph("Harbour United | 29 | 60", "row"),
        Paragraph("Riverside Rovers | 29 | 60", "row"),
        Paragraph("Riverside Rovers | 29 | 60", "row"),  # a tie, printed as the site printed it
    )
    cleaned = normalise(article(Paragraph(PROSE[0]), *rows, Paragraph(PROSE[1])))
    assert cleaned.paragraphs == (Paragraph(PROSE[0]), *rows, Paragraph(PROSE[1]))
    assert cleaned.removed == ()


def test_code_keeps_its_lines_and_a_repeated_run_is_kept() -> None:
    code = Paragraph(RUN, "code")
    cleaned = normalise(article(Paragraph(PROSE[0]), code, Paragraph(PROSE[1]), code))
    assert cleaned.paragraphs == (Paragraph(PROSE[0]), code, Paragraph(PROSE[1]), code)


def test_prose_around_verbatim_paragraphs_is_still_cleaned_in_place() -> None:
    code = Paragraph("Advertisement", "code")  # a code block may say anything
    cleaned = normalise(
        article(
            Paragraph(PROSE[0] + " This article was written with the help of AI."),
            Paragraph("Advertisement"),
            code,
            Paragraph("Share this article"),
            Paragraph(PROSE[1]),
        )
    )
    assert cleaned.paragraphs == (Paragraph(PROSE[0]), code, Paragraph(PROSE[1]))
    assert [r.text for r in cleaned.removed] == [
        "This article was written with the help of AI.",
        "Advertisement",
        "Share this article",
    ]


def test_a_heading_over_a_closing_code_block_is_not_an_orphan() -> None:
    cleaned = normalise(
        article(Paragraph(PROSE[0]), Paragraph("Output", "heading"), Paragraph(RUN, "code"))
    )
    assert cleaned.paragraphs == (
        Paragraph(PROSE[0]),
        Paragraph("Output", "heading"),
        Paragraph(RUN, "code"),
    )
    assert all(r.rule != ORPHAN_HEADING for r in cleaned.removed)


def test_a_heading_after_the_last_code_block_is_still_an_orphan() -> None:
    cleaned = normalise(
        article(
            Paragraph(PROSE[0]),
            Paragraph(RUN, "code"),
            Paragraph("What I would do next", "heading"),
        )
    )
    assert cleaned.paragraphs == (Paragraph(PROSE[0]), Paragraph(RUN, "code"))
    assert [r.rule for r in cleaned.removed] == [ORPHAN_HEADING]


def test_an_article_without_verbatim_paragraphs_is_cleaned_as_before() -> None:
    cleaned = normalise(
        article(Paragraph("Harbour go top"), Paragraph(PROSE[0]), Paragraph(PROSE[0]))
    )
    assert cleaned.paragraphs == (Paragraph(PROSE[0]),)
    assert len(cleaned.removed) == 2  # the title repeated, then the duplicate


def test_the_summary_never_comes_from_code_or_table_rows() -> None:
    paragraphs = (
        Paragraph("Team | P | Pts. Harbour United | 29 | 60.", "row"),
        Paragraph("$ echo 'Shares rose 5% on Thursday.'\nShares rose 5% on Thursday.", "code"),
        Paragraph(PROSE[0]),
        Paragraph(RUN, "code"),
        Paragraph(PROSE[1]),
    )
    assert lead_sentences(paragraphs, count=3) == PROSE
    only_code = (Paragraph(RUN, "code"), Paragraph("Team | P | Pts", "row"))
    assert lead_sentences(only_code, count=3) == ()
