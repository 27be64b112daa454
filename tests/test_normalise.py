"""The normalise stage: boilerplate rules, duplicates, standfirsts, headings, Unicode."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from growth import GENEROUS, growth
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.model import Article, Paragraph, Removal
from digest.text.html import html_to_paragraphs
from digest.text.normalise import (
    BYLINE,
    DUPLICATE,
    NO_WORDS,
    ORPHAN_HEADING,
    ORPHAN_LIST_HEADING,
    RECURRING,
    TITLE_REPEAT,
    RuleSet,
    clean_paragraphs,
    default_rules,
    load_rules,
    normalise,
    normalise_text,
    survey,
)
from digest.text.recurring import SourceTemplate, learn

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = sorted((FIXTURES / "articles").glob("*.txt"))
RULES = default_rules()
BUILTIN_REASONS = {
    NO_WORDS: "Separator line with no words: dashes, stars, dots or ornaments",
    DUPLICATE: (
        "Paragraphs a scraper printed twice: one right after itself, a run of them repeated, "
        "or the whole body"
    ),
    TITLE_REPEAT: "First paragraph only repeats the title",
    ORPHAN_HEADING: "Short section heading with no text after it",
}


def clean(
    texts: list[str | Paragraph], title: str = "", rules: RuleSet = RULES
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Run the stage; return (kind, text) kept and (rule, text) removed."""
    paragraphs = [p if isinstance(p, Paragraph) else Paragraph(p) for p in texts]
    result = normalise(Article("k", "Courier", title, tuple(paragraphs)), rules)
    return [(p.kind, p.text) for p in result.paragraphs], [(r.rule, r.text) for r in result.removed]


def kept_texts(texts: list[str | Paragraph], title: str = "") -> list[str]:
    return [text for _, text in clean(texts, title)[0]]


# --- annotated fixture articles (format: tests/fixtures/articles/README.md) ------------------

_WHOLE = re.compile(r"\[([\w.-]+)\]\s+(.*)", re.S)
_SENTENCE = re.compile(r"\{([\w.-]+): ([^{}]*)\}")


@dataclass
class Fixture:
    title: str
    paragraphs: list[Paragraph]
    kept: list[tuple[str, str]]
    removed: list[tuple[str, str]]


def parse_fixture(path: Path) -> Fixture:
    text = path.read_text("utf-8")
    title = ""
    if text.startswith("Title:"):
        first, _, text = text.partition("\n")
        title = first.removeprefix("Title:").strip()
    fixture = Fixture(title, [], [], [])
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        block = " ".join(block.splitlines())
        whole = _WHOLE.fullmatch(block)
        rule, block = whole.groups() if whole else (None, block)
        kind = expected_kind = "body"
        if block.startswith("<h> "):
            kind = expected_kind = "heading"
            block = block[4:]
        elif block.startswith("## "):
            expected_kind = "heading"
            block = block[3:]
        source = _SENTENCE.sub(lambda m: m.group(2), block)
        fixture.paragraphs.append(Paragraph(source, kind))
        if rule:
            fixture.removed.append((rule, normalise_text(source)))
            continue
        fixture.removed.extend((r, normalise_text(t)) for r, t in _SENTENCE.findall(block))
        rest = normalise_text(_SENTENCE.sub("", block))
        if rest:
            fixture.kept.append((expected_kind, rest))
    return fixture


def test_there_are_enough_fixture_articles() -> None:
    assert len(ARTICLES) >= 15


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_fixture_article(path: Path) -> None:
    fixture = parse_fixture(path)
    result = normalise(Article("k", "Courier", fixture.title, tuple(fixture.paragraphs)), RULES)
    kept, removed = result.paragraphs, result.removed

    assert [(p.kind, p.text) for p in kept] == fixture.kept
    assert [(r.rule, r.text) for r in removed] == fixture.removed
    for removal in removed:
        rule = RULES.get(removal.rule)
        # a scored rule goes on to say how the score added up
        assert removal.reason.startswith(
            rule.description if rule else BUILTIN_REASONS[removal.rule]
        )


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_cleaning_twice_changes_nothing(path: Path) -> None:
    fixture = parse_fixture(path)
    once = normalise(Article("k", "Courier", fixture.title, tuple(fixture.paragraphs)), RULES)
    assert normalise(once, RULES) == once
    kept = clean_paragraphs(once.paragraphs, fixture.title, RULES)
    assert kept.paragraphs == once.paragraphs
    assert kept.removed == ()


# --- the bundled seed articles -----------------------------------------------------------------


def seed_lines(name: str) -> list[str]:
    text = (ROOT / "seeds" / name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip()]


def test_seed_with_disclaimer_related_block_comments_and_seo_standfirst() -> None:
    title, *body = seed_lines("002_f1ea61f959c679cd.txt")
    kept, removed = clean(body, title)

    assert [rule for rule, _ in removed] == [
        "seo-standfirst",
        "ai-disclaimer",
        "accuracy-disclaimer",
        "related-block",
        "related-block",
        "related-block",
        "related-block",
        "related-block",
        "conversation-block",
        "comment-prompt",
        "comment-prompt",
    ]
    assert removed[0][1].endswith("Discover the details of the Maduro Venezuela US talks 2026.")
    assert removed[3][1] == "Related Articles"
    assert removed[-1][1] == "Sign in to join the conversation"
    assert [kind for kind, _ in kept] == ["body", "heading", "body", "body", "heading"] + [
        "body"
    ] * 2
    assert kept[1] == ("heading", "Maduro Venezuela US Talks Amid Military Pressure")
    assert kept[4] == ("heading", "Oil Sanctions and Migration Disputes")
    assert kept[-1][1].endswith("attempt to de-escalate the situation.")
    assert not any("AI-generated" in text or "Explore" in text for _, text in kept)


def test_seed_with_title_line_left_in_the_body() -> None:
    lines = seed_lines("002_f1ea61f959c679cd.txt")
    kept, removed = clean(lines, lines[0])
    assert removed[:2] == [("title-repeat", lines[0]), ("seo-standfirst", lines[1])]
    assert kept == clean(lines[1:], lines[0])[0]


def test_seed_doubled_by_a_scraper_is_not_doubled() -> None:
    lines = seed_lines("001_24792c21e33b361f.txt")
    kept, removed = clean(lines)
    assert kept_texts(lines) == lines[:7]
    assert removed == [(DUPLICATE, line) for line in lines[7:]]
    assert [kind for kind, _ in kept] == ["body"] * 7


def test_clean_seed_loses_nothing_and_keeps_accents() -> None:
    lines = seed_lines("000_f0824a53c06d438f.txt")
    kept, removed = clean(lines)
    assert removed == []
    assert [text for _, text in kept] == lines
    assert "Nicolás Maduro" in kept[0][1]
    assert "María Corina Machado" in kept[-1][1]


# --- disclaimers ---------------------------------------------------------------------------------

BODY = [
    "The city's water utility said on Monday that it would replace 12,000 lead pipes over the "
    "next four years, starting with streets near schools and nurseries.",
    "The work will cost about $180 million, most of it covered by a federal grant approved last "
    "spring. Households will not be charged for the replacement.",
    "Residents can check whether their street is on the list using an online map the utility "
    "published alongside the announcement.",
]

DISCLAIMERS = [
    ("ai-disclaimer", "This content is AI-generated and may contain errors."),
    ("ai-disclaimer", "This article was created with the help of AI."),
    ("ai-disclaimer", "This story was generated by an AI tool and reviewed by our editors."),
    ("ai-disclaimer", "Note: This summary has been partly written by a language model."),
    ("ai-disclaimer", "AI was used to help write this article."),
    ("ai-disclaimer", "We used artificial intelligence to help produce this story."),
    ("ai-disclaimer", "Generated with the help of AI and reviewed by a journalist."),
    ("ai-disclaimer", "AI-generated summary."),
    ("ai-disclaimer", "This text was machine-translated."),
    ("accuracy-disclaimer", "While we strive for accuracy, mistakes may occur."),
    ("accuracy-disclaimer", "We recommend verifying important details with the original source."),
    ("accuracy-disclaimer", "Please check key facts against the original reporting."),
    ("reprint-note", "This story originally appeared in Grist."),
    ("reprint-note", "Republished with permission."),
    ("reprint-note", "You are free to reprint this article under a CC BY-ND licence."),
    ("price-note", "Pricing was correct at the time of publication and is subject to change."),
    ("advice-disclaimer", "Nothing in this column constitutes financial advice."),
    ("advice-disclaimer", "Disclaimer: this newsletter isn't legal advice."),
    ("feed-footer", "The post Ten shrubs for bees appeared first on Garden Notes."),
    ("feed-footer", "Continue reading \u201cTen shrubs for bees\u201d"),
    ("feed-footer", "Read the full story at Garden Notes."),
]


@pytest.mark.parametrize(("rule", "sentence"), DISCLAIMERS)
@pytest.mark.parametrize("position", [0, 1, 3])
def test_disclaimer_paragraph_is_cut_wherever_it_stands(
    rule: str, sentence: str, position: int
) -> None:
    texts = [*BODY]
    texts.insert(position, sentence)
    kept, removed = clean(texts)
    assert removed == [(rule, sentence)]
    assert [text for _, text in kept] == BODY


@pytest.mark.parametrize(("rule", "sentence"), DISCLAIMERS)
def test_disclaimer_appended_to_a_body_paragraph_cuts_only_that_sentence(
    rule: str, sentence: str
) -> None:
    kept, removed = clean([BODY[0], BODY[1] + " " + sentence])
    assert removed == [(rule, sentence)]
    assert kept == [("body", BODY[0]), ("body", BODY[1])]


def test_disclaimer_between_sentences_of_a_paragraph() -> None:
    text = "Shares rose 4%. This article was written with the help of AI. Trading was light."
    assert clean([text])[0] == [("body", "Shares rose 4%. Trading was light.")]


@pytest.mark.parametrize(
    ("note", "rule", "follow_up"),
    [
        (
            "This summary was produced using generative AI.",
            "ai-disclaimer",
            "A journalist checked it before publication.",
        ),
        (
            "This article was written with the help of AI.",
            "ai-disclaimer",
            "It was reviewed by our editors.",
        ),
        (
            "We may earn a commission when you buy through links on this page.",
            "affiliate-note",
            "Learn more.",
        ),
        ("This post contains affiliate links.", "affiliate-note", "Here's why."),
    ],
)
def test_a_sentence_that_only_completes_a_cut_note_goes_with_it(
    note: str, rule: str, follow_up: str
) -> None:
    for texts in ([BODY[0], f"{note} {follow_up}", BODY[1]], [BODY[0], note, follow_up, BODY[1]]):
        kept, removed = clean(texts)
        assert removed == [(rule, note), ("note-follow-up", follow_up)]
        assert [text for _, text in kept] == BODY[:2]


def test_a_sentence_after_a_cut_note_that_says_more_is_kept() -> None:
    # "approved" is a review's word, but the sentence names no one of the newsroom: it is news
    text = "This report was generated by AI. The Senate approved the bill on a party-line vote."
    assert clean([BODY[0], text]) == (
        [("body", BODY[0]), ("body", "The Senate approved the bill on a party-line vote.")],
        [("ai-disclaimer", "This report was generated by AI.")],
    )
    alone = "An editor reviewed it for accuracy."
    assert kept_texts([BODY[0], alone, BODY[1]]) == [BODY[0], alone, BODY[1]]


@pytest.mark.parametrize(
    ("rule", "prompt"),
    [
        ("app-prompt", "Get our Harbour Times app for breaking news alerts."),
        (
            "donation-appeal",
            "Independent journalism costs money. Become a member today and support our reporting.",
        ),
        ("donation-appeal", "If you like our reporting, you can donate here."),
        # the rules for the comments are part of the prompt, not content of their own
        (
            "comment-prompt",
            "Have your say: comments are open to subscribers. Be civil and stay on topic.",
        ),
    ],
)
def test_appeals_and_prompts_that_name_no_store_or_form_are_cut(rule: str, prompt: str) -> None:
    assert clean([BODY[0], prompt, BODY[1]]) == (
        [("body", BODY[0]), ("body", BODY[1])],
        [(rule, prompt)],
    )


# What link aggregators and forums put under an item in their feeds (Hacker News and the
# feeds made of it, Lobsters, Reddit): with nothing else, the item is its headline.
AGGREGATOR_LINES = [
    ("discussion-link", "Comments"),
    ("discussion-link", "[comments]"),
    ("discussion-link", "Discuss"),
    ("discussion-link", "Kommentare"),
    ("discussion-link", "Article URL: https://science.example.org/2026/mars-rivers"),
    ("discussion-link", "Comments URL: https://forum.example.com/item?id=4211"),
    ("discussion-link", "Points: 1,204"),
    ("discussion-link", "# Comments: 45"),
    ("submitted-by", "submitted by /u/harbour_watch [link] [comments]"),
    ("submitted-by", "submitted by /u/harbour_watch to r/localnews [link] [comments]"),
    ("social-prompt", "Follow us on Instagram @harbour_news"),  # (a handle, not code)
]


@pytest.mark.parametrize(("rule", "line"), AGGREGATOR_LINES)
def test_an_aggregators_lines_under_an_item_are_cut(rule: str, line: str) -> None:
    assert clean([BODY[0], line, BODY[1]]) == (
        [("body", BODY[0]), ("body", BODY[1])],
        [(rule, line)],
    )
    assert clean([line]) == ([], [(rule, line)])  # an item with no text of its own


@pytest.mark.parametrize(
    "sentence",
    [
        "Comments poured in after the council's vote on the harbour bridge.",
        "Submitted by the planning office, the report recommends a second bridge.",
        "The bill was submitted by the ministry to parliament on Monday.",
        "Points: the team now has 45 after the win in Leeds.",
        "Article URL: enter the address of the page you want to cite.",
        "Discussion of the budget continues on Monday.",
        "Discussion",  # a section's heading
    ],
)
def test_sentences_that_open_as_an_aggregators_lines_do_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


# What podcast hosts add under every episode's show notes (Acast, Megaphone, Omny, ART19).
PODCAST_HOST_NOTES = [
    "Hosted on Acast. See acast.com/privacy for more information.",
    "Learn more about your ad choices. Visit megaphone.fm/adchoices",
    "Learn more about your ad choices. Visit podcastchoices.com/adchoices",
    "See omnystudio.com/listener for privacy information.",
    "Hosted by Simplecast, an AdsWizz company.",
    "See Privacy Policy at https://art19.com/privacy and California Privacy Notice at"
    " https://art19.com/privacy#do-not-sell-my-info.",
]


@pytest.mark.parametrize("note", PODCAST_HOST_NOTES)
def test_a_podcast_hosts_note_under_the_show_notes_is_cut(note: str) -> None:
    kept, removed = clean([BODY[0], BODY[1], note])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert {rule for rule, _ in removed} == {"podcast-host-note"}
    # the plain-text summary runs it into the episode's last paragraph
    assert kept_texts([f"{BODY[1]} {note}"]) == [BODY[1]]


@pytest.mark.parametrize(
    "sentence",
    [
        "The show is hosted on Acast, which also sells its adverts.",
        "See our privacy policy for more information.",
        "Listeners can learn more about the choices the council faces on its website.",
    ],
)
def test_sentences_about_podcast_hosts_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


def test_a_wordpress_more_link_is_cut_when_its_title_holds_an_apostrophe() -> None:
    # WordPress links the rest of a teaser as 'Continue reading "Title"', typographic
    # quotes and apostrophes and all: the apostrophe ended the quoted title, and it stayed
    teaser = "Volunteers will clear scrub along the path on Saturday. Bring gloves and a flask."
    more = "Continue reading \u201cVolunteer day at Wayland\u2019s Smithy\u201d"
    assert clean([f"{teaser} {more}"]) == ([("body", teaser)], [("feed-footer", more)])


def test_a_preprints_announcement_line_and_abstract_label_are_cut() -> None:
    """arXiv's feeds: "arXiv:<id> Announce Type: new", then "Abstract: ..." on its own line."""
    abstract = (
        "We present a routing scheme that lets a transformer attend sparsely over documents"
        " of up to a million tokens. It matches dense attention on three benchmarks."
    )
    for announce in (
        "arXiv:2612.04411v1 Announce Type: new",
        "arXiv:2611.09876v2 Announce Type: replace-cross",
    ):
        assert clean([announce, f"Abstract: {abstract}"]) == (
            [("body", abstract)],
            [("preprint-announcement", announce), ("abstract-label", "Abstract:")],
        )


def test_an_abstract_named_in_a_sentence_is_kept() -> None:
    lead = "Abstract art sold well at the harbour gallery's winter auction on Saturday."
    assert kept_texts([lead, BODY[1]]) == [lead, BODY[1]]


def test_bracketed_and_dashed_markers_are_matched() -> None:
    kept, removed = clean(
        [BODY[0], "(This article was created with the help of AI.)", "— Advertisement —"]
    )
    assert [rule for rule, _ in removed] == ["ai-disclaimer", "advertisement"]
    assert [text for _, text in kept] == [BODY[0]]


# --- words that are boilerplate only in boilerplate ----------------------------------------------

MID_SENTENCE = [
    "Related stories about the merger ran in three newspapers on the same day.",
    "Read more carefully, the contract gives the club an option to extend for a year.",
    "The advertisement was pulled after 48 hours, the company said.",
    "Advertisement spending fell 3% in the second quarter.",
    "AI-generated content now makes up a fifth of the articles on some sites, the study found.",
    "This content is AI-generated, the lawsuit claims, and was published without any review.",
    "Readers must sign in to join the conversation under each article, the site said.",
    "Her thoughts turned to the harvest, which was already three weeks late.",
    "Share your thoughts on the plan at the public meeting on Thursday, the council urged.",
    "Errors may occur when the sensors freeze, engineers warned in a report last year.",
    "More from the same batch of documents is expected to be released next week.",
    "Follow the river north and you reach the old mill within an hour.",
    "All rights reserved by the original owners were transferred to the trust in 1998, "
    "according to court filings seen by the paper, which also list a dozen other assets.",
    "Copyright holders had asked the court to block the sale of the recordings.",
    "Subscribe to the idea of a four-day week, and the maths of staffing soon gets hard.",
    "Continue reading the small print and the picture changes.",
    "The post office appeared first on the list of buildings to be sold.",
    # stories about what the notes and appeals speak of: donations, licences, apps, advice,
    # prices, an editor's review
    "Residents donated $40,000 to the food bank after the flood, organisers said.",
    "If you want to help flood victims, consider making a donation to the Red Cross.",
    "Donations to the newsroom fell sharply last year, and you can see the figures in the report.",
    "ProPublica lets other newsrooms republish its stories under a Creative Commons licence.",
    "The Guardian declined to republish this story.",
    "This story is about Creative Commons licences and the artists who rely on them.",
    "Drivers can use the new city app for live updates on free spaces.",
    "Download the Fitbit app and pair your watch before the first run.",
    "The regulator warned that influencers' videos are not investment advice.",
    "This guide explains why a robo-adviser is not financial advice in the legal sense.",
    "At the time of writing, prices could change again before the budget.",
    "An editor reviewed the manuscript twice before it went to print.",
    "The paper's new policy says an editor must review every AI-assisted story before it runs.",
    "Join the conversation at the town hall, the mayor urged. Be respectful, she added.",
    # an appeal or an app's order that someone else makes, or that goes on to a clause of its
    # own; a note's words about someone else's report
    "Support our journalism, the appeal on the charity's homepage reads, beside a photo.",
    "Download the app to get alerts when pollen counts are high, the health board advises.",
    "Get the app for the latest scores and it drains the battery by half-time.",
    "Install the app for live results but it still asks for your location on every launch.",
    "An earlier version of this report by the same panel, in 2021, found no such effect.",
    "This report has been corrected, the agency said, after a typo in the inflation table.",
]


@pytest.mark.parametrize("sentence", MID_SENTENCE)
def test_trigger_words_inside_body_text_are_kept(sentence: str) -> None:
    texts = [BODY[0], sentence, BODY[1]]
    assert clean(texts) == ([("body", t) for t in texts], [])


@pytest.mark.parametrize("sentence", MID_SENTENCE)
def test_trigger_words_inside_body_text_are_kept_at_the_end(sentence: str) -> None:
    texts = [BODY[0], BODY[1], sentence]
    assert clean(texts) == ([("body", t) for t in texts], [])


def test_quoted_disclaimer_in_a_story_about_disclaimers_is_kept() -> None:
    text = 'The footer read: "This article was created with the help of AI." Readers complained.'
    quoted = '"This content is AI-generated." That was the whole notice.'
    assert kept_texts([BODY[0], text, quoted]) == [BODY[0], text, quoted]


# --- prompts the summariser knew before the rules held them -------------------------------------

SUMMARISER_PROMPTS = [
    ("page-furniture", "Scroll down for video"),
    ("page-furniture", "Click here for the full timetable."),
    ("social-prompt", "Follow us for live updates."),
    ("inline-teaser", "Watch: The moment the sea wall gave way"),
    ("inline-teaser", "Listen | The harbour master on the repairs"),
]

# The label of a link to another article, with the bar Le Monde and others set after it
# ("Lire aussi | ..."), in each language the rule knows: a colon only was read before.
LABELLED_LINKS = [
    "Lire aussi | Canicule : à Paris, les cours d'école végétalisées font leurs preuves",
    "Lesen Sie auch | Solarpflicht für Neubauten: Was Hausbesitzer wissen müssen",
    "Lee también | Las ciudades que no cumplan perderán las ayudas al transporte",
]


@pytest.mark.parametrize("prompt", LABELLED_LINKS)
def test_a_link_labelled_with_a_bar_in_another_language_is_cut(prompt: str) -> None:
    assert clean([BODY[0], prompt, BODY[1]]) == (
        [("body", BODY[0]), ("body", BODY[1])],
        [("inline-teaser", prompt)],
    )


@pytest.mark.parametrize(("rule", "prompt"), SUMMARISER_PROMPTS)
def test_prompts_from_the_summarisers_old_list_are_cut(rule: str, prompt: str) -> None:
    assert clean([BODY[0], prompt, BODY[1]]) == (
        [("body", BODY[0]), ("body", BODY[1])],
        [(rule, prompt)],
    )


@pytest.mark.parametrize(
    "note",
    [
        "Sponsored by Acme Bank. Learn more at acme.example.",
        "Sponsored by Acme Bank, learn more at acme.example.",
        "Brought to you by Harbourline Outdoor, visit harbourline.example for the range.",
    ],
)
def test_sponsor_note_with_its_link_is_cut_after_a_full_stop_or_a_comma(note: str) -> None:
    assert clean([BODY[0], note, BODY[1]]) == (
        [("body", BODY[0]), ("body", BODY[1])],
        [("sponsor-note", note)],
    )


def test_a_sentence_about_a_sponsor_is_kept() -> None:
    story = "Sponsored by the ministry, more than 200 schools took part in the programme this year."
    assert kept_texts([BODY[0], story, BODY[1]]) == [BODY[0], story, BODY[1]]


def test_a_sentence_is_asked_of_the_standalone_rules_as_the_stage_asks_a_paragraph() -> None:
    assert RULES.standalone_match("— Advertisement —").id == "advertisement"
    assert RULES.standalone_match("(Story continues below.)").id == "advertisement"
    assert RULES.standalone_match("Follow us as we walk the old route.") is None
    assert RULES.standalone_match("This article was written with AI.") is None  # a disclaimer


# --- trailing blocks -----------------------------------------------------------------------------

TEASERS = [
    "Five things to know about the new bus timetable",
    "Why the council wants to sell the old library.",
    "Police appeal for witnesses after crash on ring road",
]


@pytest.mark.parametrize(
    "heading",
    [
        "Related",
        "Related Stories",
        "Read more:",
        "More from The Courier",
        "You might also like",
        "Recommended for you",
        "Most Popular",
        "Editor's picks",
    ],
)
def test_related_headings_cut_the_teasers_under_them(heading: str) -> None:
    kept, removed = clean([*BODY, heading, *TEASERS])
    assert [text for _, text in kept] == BODY
    assert removed == [("related-block", t) for t in [heading, *TEASERS]]


def test_block_heading_in_the_middle_of_the_article_is_a_subheading() -> None:
    first = BODY[1] + " " + BODY[2] + " " + BODY[0]
    texts = [BODY[0], "Related", first, "More from the council", LONG + " " + BODY[1]]
    kept, removed = clean(texts)
    assert removed == []
    assert [kind for kind, _ in kept] == ["body", "heading", "body", "heading", "body"]


def test_block_heading_over_a_single_short_last_section_is_a_subheading() -> None:
    texts = [*BODY, "More from the council", "Councillors will vote on the budget in March."]
    kept, removed = clean(texts)
    assert removed == []
    assert kept[-2] == ("heading", "More from the council")


def test_block_heading_without_article_text_before_it_is_not_a_block() -> None:
    kept, removed = clean(["Related", *TEASERS])
    assert removed == []
    assert len(kept) == 4


RETRAITES = [
    "La Première ministre a annoncé jeudi après-midi le recours à l'article 49.3 de la "
    "Constitution pour faire adopter sans vote la réforme des retraites, au terme d'une matinée "
    "de tractations infructueuses avec les députés Les Républicains.",
    "Le texte, qui prévoit le report progressif de l'âge légal de départ de 62 à 64 ans, avait "
    "été adopté le matin même par le Sénat. Faute de majorité assurée à l'Assemblée nationale, "
    "l'exécutif a choisi de ne pas prendre le risque d'un vote.",
    "Les oppositions ont immédiatement annoncé le dépôt de motions de censure, qui seront "
    "examinées lundi.",
]
CONCORDE = (
    "Des rassemblements spontanés se sont formés dans la soirée place de la Concorde, à Paris, "
    "où plusieurs milliers de personnes se sont réunies jusqu'à tard dans la nuit."
)


@pytest.mark.parametrize(
    ("before", "heading", "section", "after"),
    [
        # a match report's fixtures
        (
            BODY,
            "Up next",
            ["Leeds travel to Norwich on Tuesday night.", "Sunderland host Preston on Saturday."],
            "Daniel Farke said afterwards that his side had suffered when they needed to, and "
            "praised the crowd for lifting the players in the second half.",
        ),
        # a French news story's reactions, before it goes on
        (
            RETRAITES,
            "Réactions",
            [
                "« C'est un déni de démocratie », a réagi le député Éric Coquerel.",
                "« Nous déposerons une motion transpartisane », a indiqué Charles de Courson.",
                "Marine Le Pen a dénoncé « un échec total » du gouvernement.",
            ],
            CONCORDE,
        ),
    ],
)
def test_short_sentences_under_a_block_heading_before_more_text_are_a_section(
    before: list[str], heading: str, section: list[str], after: str
) -> None:
    # headlines do not end with a full stop; short paragraphs of the article's own do, and
    # the article goes on after them
    texts = [*before, heading, *section, after]
    kept, removed = clean(texts)
    assert removed == []
    assert [text for _, text in kept] == texts


def test_block_heading_at_the_very_end_goes_alone() -> None:
    assert clean([*BODY, "Read more"])[1] == [("related-block", "Read more")]


def test_thoughts_heading_needs_prompts_after_it() -> None:
    prompt = "Sign in to join the conversation"
    assert clean([*BODY, "Thoughts", prompt])[1] == [
        ("conversation-block", "Thoughts"),
        ("comment-prompt", prompt),
    ]
    # A closing section called "Thoughts" with short paragraphs of its own stays.
    essay_end = ["Thoughts", "I think the council got this one right.", "We will see in May."]
    assert clean([*BODY, *essay_end])[1] == []


def test_a_prompt_in_letters_str_lower_keeps_apart_is_still_a_prompt() -> None:
    # a Turkish capital İ, a dotless ı, a long ſ: a case-insensitive rule reads them as i and
    # s, and so must the quick look that decides whether the rules are tried at all
    for prompt in ["SİGN İN TO JOİN THE CONVERSATİON", "Sıgn ın to joın the conversatıon"]:
        assert clean([*BODY, prompt])[1] == [("comment-prompt", prompt)], prompt
    assert clean([*BODY, "Sign in to join the conver\u017fation"])[1] != []


def test_a_long_tail_is_not_a_block() -> None:
    tail = [f"Short paragraph number {n} of a list-style story." for n in range(40)]
    assert clean([*BODY, "Related", *tail])[1] == []


# --- standfirst and title ------------------------------------------------------------------------

TITLE = "Heathrow third runway approved by government after decades of delay"


@pytest.mark.parametrize(
    "cta",
    [
        "Discover what it means for travellers.",
        "Find out what happens next.",
        "Read on to learn about the timeline.",
        "Explore the full details of the Heathrow runway decision.",
    ],
)
def test_seo_standfirst_restating_the_title_with_a_call_to_action_goes(cta: str) -> None:
    standfirst = "The government has approved a third runway at Heathrow after decades of delay. "
    kept, removed = clean([standfirst + cta, *BODY], TITLE)
    assert removed == [("seo-standfirst", standfirst + cta)]
    assert [text for _, text in kept] == BODY


def test_a_news_lead_that_ends_with_a_call_to_action_is_kept() -> None:
    # the lead states the news (a figure, a day) and then promises more: the article's first
    # paragraph, not a search engine's blurb; only the promise reads like one
    title = "Earthquake strikes southern Turkey: what we know"
    lead = (
        "A magnitude 6.1 earthquake struck southern Turkey early on Monday, killing at least "
        "12 people and damaging hundreds of buildings in Hatay province. Here's what we know "
        "so far."
    )
    body = [
        "The quake hit at 4:17 a.m. local time at a depth of about 10 kilometres, according to "
        "the country's disaster agency. Aftershocks continued through the morning.",
        "Rescue teams from neighbouring provinces reached Antakya by mid-morning and began "
        "searching collapsed apartment blocks.",
    ]
    kept, removed = clean([lead, *body], title)
    assert removed == []
    assert [text for _, text in kept] == [lead, *body]


def test_a_link_post_pointing_at_someone_elses_work_is_kept() -> None:
    # a blog's short post about a talk: it restates its title and says "check out", but what
    # it points at is the talk, not the article's own details
    title = "Why Mara Quist distrusts microservices"
    post = [
        "Mara Quist gives the clearest talks on systems design. Check out her keynote on why "
        "she distrusts microservices:",
        "The part about distributed transactions alone is worth the hour.",
    ]
    assert kept_texts(post, title) == post


def test_genuine_standfirst_without_a_call_to_action_is_kept() -> None:
    standfirst = "The government approved a third runway at Heathrow after decades of delay."
    assert kept_texts([standfirst, *BODY], TITLE) == [standfirst, *BODY]


def test_call_to_action_later_in_the_article_is_kept() -> None:
    later = "Find out more about the Heathrow third runway at the government's website."
    assert kept_texts([BODY[0], later, BODY[1]], TITLE) == [BODY[0], later, BODY[1]]


def test_unknown_title_skips_title_checks() -> None:
    standfirst = "The government approved a third runway at Heathrow. Discover the details."
    assert kept_texts([TITLE, standfirst, *BODY], "")[1:] == [standfirst, *BODY]


def test_first_paragraph_repeating_the_title_goes() -> None:
    kept, removed = clean([TITLE.upper() + ".", *BODY], TITLE)
    assert removed == [(TITLE_REPEAT, TITLE.upper() + ".")]
    assert [text for _, text in kept] == BODY


# --- duplicates ----------------------------------------------------------------------------------


def test_doubled_body_is_reduced_to_one_copy() -> None:
    kept, removed = clean([*BODY, *BODY])
    assert [text for _, text in kept] == BODY
    assert removed == [(DUPLICATE, t) for t in BODY]


LONG = (
    "Engineers began replacing the lead service lines on Harper Street on Monday, the first of "
    "about 12,000 the utility has promised to remove by 2029. Crews dig a narrow trench from the "
    "main to the meter, pull the old pipe out and feed a copper one in its place."
)


def test_doubled_run_with_one_word_changed_goes() -> None:
    changed = LONG.replace("narrow", "small")
    assert clean([LONG, BODY[1], changed, BODY[1]])[1] == [
        (DUPLICATE, changed),
        (DUPLICATE, BODY[1]),
    ]


def test_doubled_run_with_first_and_middle_words_changed_goes() -> None:
    changed = LONG.replace("Engineers began", "Crews began").replace("narrow", "small")
    assert clean([LONG, BODY[1], changed, BODY[1]])[1] == [
        (DUPLICATE, changed),
        (DUPLICATE, BODY[1]),
    ]


def test_doubled_body_with_quotes_and_spacing_changed_goes() -> None:
    original = 'The mayor said the plan was "the biggest investment in our streets in fifty years".'
    copy = "The mayor said  the plan was “the biggest investment in our streets in fifty years.”"
    assert clean([original, BODY[0], copy, BODY[0]])[1] == [
        (DUPLICATE, normalise_text(copy)),
        (DUPLICATE, BODY[0]),
    ]


def test_a_paragraph_repeated_alone_stays_and_is_a_candidate() -> None:
    # A pull quote, a refrain, a question asked again: one paragraph repeating is not doubling.
    changed = LONG.replace("narrow", "small")
    article = normalise(
        Article("k", "Courier", "", tuple(map(Paragraph, [LONG, BODY[1], changed])))
    )
    assert [p.text for p in article.paragraphs] == [LONG, BODY[1], changed]
    assert article.removed == ()
    assert [(c.rule, c.text) for c in article.candidates] == [(DUPLICATE, changed)]


def test_a_paragraph_printed_again_right_after_itself_is_cut() -> None:
    # A scraper that emits each paragraph twice (or one of them): the second copy goes,
    # whether the copies come one pair at a time or a single paragraph is doubled.
    paired = [text for text in BODY[:4] for _ in range(2)]
    kept, removed = clean(paired)
    assert [text for _, text in kept] == BODY[:4]
    assert removed == [(DUPLICATE, text) for text in BODY[:4]]
    kept, removed = clean([BODY[0], BODY[1], BODY[1], BODY[2]])
    assert [text for _, text in kept] == BODY[:3] and removed == [(DUPLICATE, BODY[1])]
    # word for word only: the paragraph after a near copy of itself may give a figure anew
    updated = LONG.replace("narrow", "small")
    assert kept_texts([LONG, updated, BODY[1]]) == [LONG, updated, BODY[1]]
    # a short line repeated at once (a chorus, "Yes.", a menu's entry) is not a paragraph
    assert kept_texts([BODY[0], "Let it be, let it be.", "Let it be, let it be."]) == [
        BODY[0],
        "Let it be, let it be.",
        "Let it be, let it be.",
    ]


def test_paragraphs_sharing_a_sentence_are_not_duplicates() -> None:
    extended = LONG + " The work on each house takes about four hours and costs the owner nothing."
    assert clean([LONG, extended])[1] == []


def test_similar_but_different_paragraphs_are_both_kept() -> None:
    texts = [
        "Shares of Halden Energy rose 2.1% to 190.50 crowns in early trading on Monday after "
        "the company raised its dividend for the third year in a row.",
        "Shares of Norvik Shipping fell 1.4% to 88.20 crowns in early trading on Monday after "
        "the company cut its forecast for the third time this year.",
    ]
    assert clean(texts)[1] == []


def test_repeated_one_word_paragraphs_are_kept() -> None:
    texts = ["Did you expect the vote to pass?", "No.", "Will you appeal?", "No."]
    assert kept_texts(texts) == texts


# --- headings ------------------------------------------------------------------------------------


def test_subheadings_are_classified_and_kept() -> None:
    texts = [BODY[0], "What happens next", BODY[1], "Costs and funding", BODY[2]]
    assert [kind for kind, _ in clean(texts)[0]] == ["body", "heading", "body", "heading", "body"]


@pytest.mark.parametrize(
    "line",
    [
        "- Replace the pipes near schools",  # list item
        "1. Replace the pipes near schools",
        "The utility said:",  # introduces what follows
        "It will take four years.",  # a sentence
        "residents were not consulted",  # lower case
        "See www.example.org for details",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    assert clean([BODY[0], line, BODY[1]])[0][1] == ("body", line)


def test_consecutive_headings_before_body_are_both_headings() -> None:
    kept, _ = clean([BODY[0], "Part two", "The money", BODY[1]])
    assert [kind for kind, _ in kept] == ["body", "heading", "heading", "body"]


def test_heading_like_last_line_stays_body() -> None:
    credit = "Figures from the county's own survey of 2,400 households"
    assert clean([*BODY, credit]) == ([("body", t) for t in [*BODY, credit]], [])


def test_headings_with_nothing_after_them_at_the_end_are_dropped() -> None:
    texts = [*BODY, Paragraph("Gallery", "heading"), Paragraph("Videos", "heading")]
    kept, removed = clean(texts)
    assert [text for _, text in kept] == BODY
    assert removed == [(ORPHAN_HEADING, "Gallery"), (ORPHAN_HEADING, "Videos")]


def test_converter_headings_are_kept_as_headings() -> None:
    texts = [
        BODY[0],
        Paragraph("A longer heading, with a comma, from the page.", "heading"),
        BODY[1],
    ]
    assert clean(texts)[0][1] == ("heading", "A longer heading, with a comma, from the page.")


# --- Unicode and whitespace ----------------------------------------------------------------------


def test_normalise_text_composes_accents() -> None:
    assert normalise_text("Nicola\u0301s Maduro") == "Nicolás Maduro"
    assert normalise_text("Nicolás Maduro") == "Nicolás Maduro"


def test_normalise_text_collapses_whitespace_and_drops_invisible_characters() -> None:
    raw = "  Caf\u00e9\u00a0\u00a0au\tlait\n\nin\u202fZu\u0308rich\u200b, co\u00adoperative\ufeff  "
    assert normalise_text(raw) == "Café au lait in Zürich, cooperative"


def test_normalise_text_keeps_emoji_joiners() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalise_text(f" {family} ") == family


def test_blank_paragraphs_disappear_without_a_removal() -> None:
    assert clean(["\u00a0", BODY[0], "\u200b \t"]) == ([("body", BODY[0])], [])


def test_separator_lines_are_dropped() -> None:
    kept, removed = clean([BODY[0], "* * *", BODY[1], "\u2014", "•••"])
    assert [text for _, text in kept] == BODY[:2]
    assert removed == [(NO_WORDS, "* * *"), (NO_WORDS, "\u2014"), (NO_WORDS, "•••")]


@pytest.mark.parametrize("line", ["___", "---", "___ ___"])
def test_a_line_of_underscores_or_dashes_is_a_separator_not_code(line: str) -> None:
    # AP draws "___" above its contributors' line in every story its feed carries
    kept, removed = clean([*BODY[:2], line, BODY[2]])
    assert [text for _, text in kept] == BODY
    assert removed == [(NO_WORDS, line)]


def test_a_divider_line_between_lines_of_code_stays_with_the_code() -> None:
    config = [Paragraph("name: harbour\nport: 8080", "code"), Paragraph("---")]
    config.append(Paragraph("name: quay\nport: 8081", "code"))
    kept, removed = clean([BODY[0], *config, BODY[1]])
    assert [text for _, text in kept] == [BODY[0], *(p.text for p in config), BODY[1]]
    assert removed == []


@pytest.mark.parametrize("line", ["[…]", "[...]", "/ \\", "“`", "|"])
def test_elision_marks_and_lines_of_diagrams_are_not_separators(line: str) -> None:
    assert kept_texts([BODY[0], line, BODY[1]]) == [BODY[0], line, BODY[1]]


def test_a_long_last_heading_is_text_not_a_dangling_label() -> None:
    last = Paragraph(
        "In conclusion, the plan will take four years and cost $180 million", "heading"
    )
    assert clean([*BODY, last])[1] == []


def test_short_symbolic_text_with_numbers_is_kept() -> None:
    score = "2\u20131"
    assert kept_texts([BODY[0], score, BODY[1]]) == [BODY[0], score, BODY[1]]


def test_empty_rule_set_only_runs_the_built_in_checks() -> None:
    empty = RuleSet(())
    article = Article("k", "s", "", (Paragraph("Advertisement"), Paragraph(BODY[0])) * 2)
    result = normalise(article, empty)
    # Without rules "Advertisement" is a line of text, and the body printed twice is doubling.
    assert [p.text for p in result.paragraphs] == ["Advertisement", BODY[0]]
    assert [r.rule for r in result.removed] == [DUPLICATE, DUPLICATE]


def test_normalise_returns_a_new_article() -> None:
    earlier = Removal("feed", "earlier cut", "made by an ingestor")
    article = Article(
        key="k",
        source="Courier",
        title="  Nicola\u0301s Maduro  offers talks ",
        paragraphs=(Paragraph(BODY[0]), Paragraph("Advertisement"), Paragraph(BODY[1])),
        removed=(earlier,),
    )
    result = normalise(article)
    assert result.title == "Nicolás Maduro offers talks"
    assert result.paragraphs == (Paragraph(BODY[0]), Paragraph(BODY[1]))
    assert result.removed == (
        earlier,
        Removal("advertisement", "Advertisement", RULES.get("advertisement").description),
    )
    assert result.key == article.key and result.source == article.source
    assert article.paragraphs[1].text == "Advertisement"  # the input is untouched


# --- rules as data -------------------------------------------------------------------------------


def test_default_rules_are_loaded_once_and_described() -> None:
    assert default_rules() is default_rules()
    assert len(RULES) >= 10
    for rule in RULES.rules:
        assert rule.description and (rule.patterns or rule.score)
    assert {r.kind for r in RULES.rules} == {
        "disclaimer",
        "standalone",
        "trailing_block",
        "noted_block",
        "seo_standfirst",
        "dateline",
    }


def test_user_rules_add_replace_and_disable() -> None:
    rules = load_rules(FIXTURES / "rules" / "extra.toml")
    assert "copyright-line" not in rules.ids
    assert rules.get("podcast-promo").kind == "standalone"
    assert rules.ids.index("advertisement") == RULES.ids.index("advertisement")
    assert rules.get("advertisement").description == "Upper-case advertisement marker"

    texts = [
        BODY[0],
        "Listen to our Morning Brief podcast on your favourite app.",
        "ADVERTISEMENT",
        "Advertisement",
        BODY[1],
        "© 2025 Courier Media",
    ]
    kept, removed = clean(texts, rules=rules)
    assert [rule for rule, _ in removed] == ["podcast-promo", "advertisement"]
    assert [text for _, text in kept] == [BODY[0], "Advertisement", BODY[1], "© 2025 Courier Media"]
    # The built-in set is unchanged.
    assert clean(texts)[1][-1] == ("copyright-line", "© 2025 Courier Media")


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, "utf-8")
    return path


GOOD = 'id = "x"\nkind = "standalone"\ndescription = "X"\npatterns = ["x+"]\n'


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace('"x+"', '"(unclosed"'), "rule 'x': pattern 1 '(unclosed' is not a valid"),
        (GOOD.replace("standalone", "footer"), "rule 'x': unknown kind 'footer'"),
        (GOOD.replace('description = "X"\n', ""), "rule 'x': missing key 'description'"),
        (GOOD.replace('id = "x"\n', ""), "rule #1: missing key 'id'"),
        (GOOD.replace('patterns = ["x+"]\n', ""), "rule 'x': missing key 'patterns'"),
        (GOOD.replace("patterns", "pattern"), "unknown key 'pattern', did you mean 'patterns'?"),
        (GOOD + 'followed_by = "teasers"\n', "'followed_by' only applies to trailing_block"),
        (GOOD.replace('"x+"', '"x*"'), "matches empty text"),
        (GOOD.replace('"x+"', r'"(a)\\1"'), "backreferences are not supported"),
        (GOOD.replace("patterns = [", "patterns = ").replace('"]', '"'), "'patterns' must be"),
        (GOOD.replace('"x"', '"duplicate-paragraph"', 1), "reserved for a built-in check"),
        (GOOD + "colour = 1\n", "unknown key 'colour'"),
    ],
)
def test_bad_user_rule_names_file_rule_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write_rules(tmp_path, "[[rule]]\n" + text)
    with pytest.raises(ValueError) as excinfo:
        load_rules(path)
    message = str(excinfo.value)
    assert message.startswith(f"{path}: ")
    assert problem in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('disable = ["no-such-rule"]\n', "no built-in rule 'no-such-rule'"),
        ('disable = "advertisement"\n', "'disable' must be a list"),
        ("[[rule]]\n" + GOOD + "[[rule]]\n" + GOOD, "rule 'x' is defined twice"),
        ("rules = []\n", "unknown key 'rules'"),
        ('disable = ["orphan-heading"]\n', "'orphan-heading' is a built-in check, not a rule"),
        ('disable = ["x"]\n[[rule]]\n' + GOOD, "no built-in rule 'x'"),
        (
            'disable = ["advertisement"]\n[[rule]]\n' + GOOD.replace('"x"', '"advertisement"', 1),
            "rule 'advertisement' is both defined and disabled",
        ),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_bad_user_rules_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(ValueError, match=re.escape(problem)) as excinfo:
        load_rules(path)
    assert str(excinfo.value).startswith(f"{path}: ")


def test_missing_user_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read the rules file"):
        load_rules(tmp_path / "absent.toml")


def test_user_trailing_block_and_standfirst_options(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        """
[[rule]]
id = "elsewhere"
kind = "trailing_block"
followed_by = "prompts"
description = "Links to the publisher's other sites"
patterns = ["elsewhere on the network"]

[[rule]]
id = "seo-standfirst"
kind = "seo_standfirst"
min_title_overlap = 0.9
description = "Only near-verbatim restatements"
patterns = ["discover\\\\b"]
""",
    )
    rules = load_rules(path)
    assert rules.get("elsewhere").followed_by == "prompts"
    texts = [*BODY, "Elsewhere on the network", "Sign in to join the conversation"]
    assert clean(texts, rules=rules)[1] == [
        ("elsewhere", "Elsewhere on the network"),
        ("comment-prompt", "Sign in to join the conversation"),
    ]
    standfirst = "The government approved a third runway at Heathrow. Discover the details."
    assert kept_texts([standfirst, *BODY], TITLE)[0] == BODY[0]
    assert clean([standfirst, *BODY], TITLE, rules)[0][0] == ("body", standfirst)


def test_article_that_is_all_boilerplate_leaves_nothing_without_crashing() -> None:
    # Found by the corpus benchmark: with a title set, the standfirst check once assumed at
    # least one paragraph survived the earlier rules.
    cleaned = clean_paragraphs(
        [Paragraph("Advertisement"), Paragraph("Share this article")],
        "Harbour ferry returns to service",
        default_rules(),
    )
    paragraphs, removed = cleaned.paragraphs, cleaned.removed
    assert paragraphs == ()
    assert [r.text for r in removed] == ["Advertisement", "Share this article"]


# --- a source's own template --------------------------------------------------------------------

FOOTER = "Pohjolan Sanomat on riippumaton maakuntalehti. Kaikki oikeudet pidätetään."
LETTER = "Tilaa aamun uutiskirje, niin saat päivän tärkeimmät uutiset sähköpostiisi."
FINNISH = [
    "Oulun kaupunginvaltuusto päätti maanantaina rakentaa uuden uimahallin Kaijonharjuun.",
    "Uimahallissa on 50 metrin allas, opetusallas ja kuntosali. Se valmistuu vuonna 2029.",
    "Nykyinen Raksilan uimahalli jää käyttöön, kunnes uusi halli avataan.",
]


def template_of(*paragraph_lists: list[str], source: str = "Pohjolan Sanomat") -> SourceTemplate:
    """What one build of these articles teaches about their source."""
    articles = [
        Article(f"k{n}", source, "", tuple(map(Paragraph, paragraphs)))
        for n, paragraphs in enumerate(paragraph_lists)
    ]
    return learn([survey(a) for a in articles], {})[source]


def clean_with(template: SourceTemplate, paragraphs: list[str]) -> Article:
    article = Article("k0", "Pohjolan Sanomat", "", tuple(map(Paragraph, paragraphs)))
    return normalise(article, RULES, template)


def test_a_footer_in_three_articles_of_a_source_is_its_template() -> None:
    articles = [[text, LETTER, FOOTER] for text in FINNISH]
    result = clean_with(template_of(*articles), articles[0])
    assert [p.text for p in result.paragraphs] == [FINNISH[0]]
    assert [(r.rule, r.text) for r in result.removed] == [
        (RECURRING, LETTER),
        (RECURRING, FOOTER),
    ]
    assert result.removed[0].reason == (
        "Recurs in 3 articles of Pohjolan Sanomat: part of the source's template"
    )


def test_a_users_rules_file_can_turn_learning_off(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('disable = ["recurring-paragraph"]\n', "utf-8")
    rules = load_rules(path)
    articles = [[text, FOOTER] for text in FINNISH]
    article = Article("k0", "Pohjolan Sanomat", "", tuple(map(Paragraph, articles[0])))
    assert normalise(article, rules, template_of(*articles)).removed == ()


def test_two_articles_are_not_enough() -> None:
    articles = [[text, FOOTER] for text in FINNISH[:2]]
    result = clean_with(template_of(*articles), articles[0])
    assert [p.text for p in result.paragraphs] == [FINNISH[0], FOOTER]
    assert result.removed == ()


def test_nothing_recurs_without_a_template() -> None:
    assert kept_texts([FINNISH[0], FOOTER]) == [FINNISH[0], FOOTER]


def test_the_articles_own_text_is_never_all_cut() -> None:
    # a feed whose entries all say the same thing: that text is the article
    articles = [[FINNISH[0]] for _ in range(3)]
    result = clean_with(template_of(*articles), articles[0])
    assert [p.text for p in result.paragraphs] == [FINNISH[0]]
    assert [c.rule for c in result.candidates] == [RECURRING]


TABLE = ["Pos | Team | Played | Points", "1 | TSV Oberau | 12 | 30", "2 | SV Grünwald | 12 | 27"]


def test_recurring_structure_among_the_articles_own_text_stays() -> None:
    # every standings report has the same header row and section heading
    articles = [
        [FINNISH[n], "Standings", *TABLE[:1], f"{n} | Team {n} | 1 | 3", FINNISH[2]]
        for n in range(3)
    ]
    result = clean_with(template_of(*articles), articles[0])
    assert "Pos | Team | Played | Points" in [p.text for p in result.paragraphs]
    assert "Standings" in [p.text for p in result.paragraphs]


def test_a_recurring_lists_heading_stays_over_items_as_it_did_without_their_bullets() -> None:
    # a show's notes: the same heading over each episode's own list of what was mentioned
    heading = "Muita ihmisiä, paikkoja ja asioita, jotka jaksossa mainitaan:"
    items = [
        "Raksilan uimahallin historia ja sen suunnittelija, arkkitehti Veikko Larkas 1965",
        "Kaijonharjun uuden uimahallin kilpailuehdotukset ja niiden arvostelupöytäkirjat",
        "Oulun kaupunginvaltuuston kokouksen pöytäkirja maanantailta ja kaikki liitteensä",
    ]
    # lines as long as a short line of a list may be, but for their bullets
    assert all(79 <= len(item) <= 80 for item in items)
    closing = [f"Jakso {n} on kuunneltavissa kaikissa podcast-sovelluksissa." for n in range(3)]
    for mark in ("", "\u2022 "):
        articles = [[FINNISH[n], heading, mark + items[n], closing[n]] for n in range(3)]
        result = clean_with(template_of(*articles), articles[0])
        assert [p.text for p in result.paragraphs] == articles[0]


def test_a_recurring_paragraph_amid_the_text_goes_only_when_most_articles_hold_it() -> None:
    box = "Lue myös: kaikki kaupungin uimahallit ja niiden aukioloajat yhdellä sivulla tänään."
    common = [[f"Juttu {n}: {FINNISH[0]}", box, f"Juttu {n}: {FINNISH[1]}"] for n in range(3)]
    assert box not in [p.text for p in clean_with(template_of(*common), common[0]).paragraphs]
    rare = common + [[FINNISH[2], f"Artikkeli {n} kertoo jotain muuta."] for n in range(4)]
    kept = clean_with(template_of(*rare), common[0])
    assert box in [p.text for p in kept.paragraphs]
    assert [c.rule for c in kept.candidates] == [RECURRING]


QUESTIONS = [
    "What is your earliest memory?",
    "What is your greatest fear?",
    "Which living person do you most admire, and why?",
]
ANSWERS = [
    [
        "Sitting on my grandfather's boat in Oban harbour, watching him mend the nets by hand.",
        "Running out of ideas halfway through a novel, with a deadline and a mortgage to pay.",
        "My sister, who raised three children alone and never once complained about it.",
    ],
    [
        "The smell of the bakery below our flat in Naples, at five o'clock every morning.",
        "Deep water. I learned to swim at forty and I still panic when I can't see the bottom.",
        "Greta Gerwig, because she made films her way long before anyone let her.",
    ],
    [
        "Being lifted up to see the coronation on a neighbour's tiny television set.",
        "Hospitals. I spent a year in one as a child and the corridors still frighten me.",
        "David Attenborough, for making us care about creatures most of us will never see.",
    ],
]


@pytest.mark.parametrize("intro", [True, False])
def test_the_questions_a_series_asks_every_guest_stay_with_their_answers(intro: bool) -> None:
    # a weekly interview asks each guest the same questions: they recur in every article of
    # the source, but each one stands over an answer of the article's own
    guests = ["the stage designer Ana Ruiz", "the cartoonist Paolo Greco", "the actor Ruth Hale"]
    articles = []
    for guest, answers in zip(guests, ANSWERS, strict=True):
        lead = [f"This week's guest is {guest}, whose memoir is published on Thursday."]
        qa = [text for pair in zip(QUESTIONS, answers, strict=True) for text in pair]
        articles.append((lead if intro else []) + qa)
    result = clean_with(template_of(*articles), articles[0])
    assert result.removed == ()
    assert [p.text for p in result.paragraphs] == articles[0]


# --- candidates ----------------------------------------------------------------------------------


def test_a_call_to_action_that_restates_nothing_is_a_candidate() -> None:
    standfirst = "Explore the figures yourself on the grid operator's website."
    result = normalise(
        Article("k", "s", TITLE, (Paragraph(standfirst), Paragraph(BODY[0]), Paragraph(BODY[1])))
    )
    assert result.paragraphs[0].text == standfirst
    assert [c.rule for c in result.candidates] == ["seo-standfirst"]


def test_a_standfirst_that_is_all_the_article_has_is_kept() -> None:
    teaser = (
        "Trying to cope with the Heathrow third runway delay? Read on to discover what it means."
    )
    assert kept_texts([teaser, "Continue Reading"], TITLE) == [teaser]


# --- code ----------------------------------------------------------------------------------------


def test_code_is_kept_verbatim_and_never_matched() -> None:
    code = Paragraph('if msg.text == "comment!":\n    reply("Sign up for our newsletter")\n}')
    marked = Paragraph("Advertisement", "code")  # a code block the HTML converter marked
    result = normalise(Article("k", "s", "", (Paragraph(BODY[0]), code, marked, Paragraph("}"))))
    assert [p.text for p in result.paragraphs] == [BODY[0], code.text, "Advertisement", "}"]
    assert result.removed == ()


# --- cleaning twice changes nothing -------------------------------------------------------------

POOL = [
    *BODY,
    LONG,
    "What happens next",
    "Related",
    "Related Stories",
    "Five things to know about the new bus timetable",
    "Share this article",
    "Advertisement",
    "This content is AI-generated and may contain errors.",
    "Generated by AI from wire reports. Mistakes are possible.",
    "What do you think? Tell us in the comments below.",
    "Sign up for our free morning newsletter",
    "Discover what it means for travellers.",
    "Come home, come home, the lamps are lit and the kettle is on the stove.",
    "1 | TSV Oberau | 12 | 30",
    "files = sorted(os.listdir(folder))",
    "}",
    "* * *",
    "Winds gusted to 70 mph on the coast.",
    TITLE,
    FOOTER,
]


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.sampled_from(POOL), max_size=14),
    title=st.sampled_from(["", TITLE, "Related"]),
    with_template=st.booleans(),
)
def test_cleaning_its_own_output_changes_nothing(
    picks: list[str], title: str, with_template: bool
) -> None:
    template = template_of([FOOTER, BODY[0]], [FOOTER], [FOOTER, LONG]) if with_template else None
    article = Article("k", "Pohjolan Sanomat", title, tuple(map(Paragraph, picks)))
    once = normalise(article, RULES, template)
    assert normalise(once, RULES, template) == once


# --- datelines -----------------------------------------------------------------------------------

LEAD_REST = "The harbour authority agreed on Monday to dredge the eastern channel before spring."
LATER = Paragraph("Ferries have run aground there twice since October, the authority said.")


@pytest.mark.parametrize(
    "dateline",
    [
        "[Coast Radio] Kilrush --",
        "[Daily Courier] Port Elizabeth —",
        "OSLO, Norway (NTB) —",
        "CAPE TOWN (Reuters) -",
        "Hamburg (dpa) -",
        "LISBOA, 12 jan. (Lusa) -",
        "(AFP) --",
        "ANCHORAGE, Alaska —",
        # Spanish wires close theirs with ".-"; a place's name has particles
        "MADRID (EFE).-",
        "Ciudad de México, 4 mar (EFE).-",
        # press releases: the wire in slashes, or run into its dashes
        "SAN FRANCISCO, March 3, 2026 /PRNewswire/ --",
        "CHICAGO--(BUSINESS WIRE)--",
        "BOSTON, Feb. 12, 2026 (GLOBE NEWSWIRE) --",
        # an aggregator's credit of the paper it carries, with no place
        "[Harbour Courier]",
        "[CoastNews.gov.example]",
        "[kilrushFM]",
    ],
)
def test_a_dateline_before_the_lead_is_cut_and_the_sentence_kept(dateline: str) -> None:
    space = "" if dateline.endswith(")--") else " "  # "--(BUSINESS WIRE)--Acme ..."
    article = Article(
        "k", "Courier", "Channel to be dredged", (Paragraph(dateline + space + LEAD_REST), LATER)
    )
    cleaned = normalise(article, RULES)
    assert cleaned.paragraphs[0].text == LEAD_REST
    assert [(r.rule, r.text) for r in cleaned.removed] == [("agency-dateline", dateline)]
    assert normalise(cleaned, RULES) == cleaned


@pytest.mark.parametrize(
    "lead",
    [
        # the words before the dash are the sentence's subject, not a dateline
        "Tesla — the carmaker — said on Monday that deliveries rose in the quarter.",
        "NASA — which launched the probe in 2021 — said the mission would be extended.",
        "U.S. Senator Jane Roe (D) - a long-time critic - said the deal was bad for workers.",
        # a dateline with nothing after it but a stub is left alone
        "LONDON (Reuters) - Updated.",
        # not at the start of the first paragraph
        "The channel, the agency said (Reuters) - will be dredged before spring arrives here.",
        # a note in brackets, a config file's section, a footnote's mark: not a credit
        "[Update: the dredging starts in May.] The harbour authority met on Monday.",
        "[dependencies] The crate goes in the manifest, as the harbour's tools do.",
        "[1] The harbour authority agreed on Monday to dredge the eastern channel.",
    ],
)
def test_words_that_only_look_like_a_dateline_are_kept(lead: str) -> None:
    article = Article("k", "Courier", "Channel to be dredged", (Paragraph(lead), LATER))
    cleaned = normalise(article, RULES)
    assert cleaned.paragraphs[0].text == lead
    assert cleaned.removed == ()


@pytest.mark.parametrize("credit", ["[Harbour Courier]", "[CoastNews.gov.example]", "[kilrushFM]"])
def test_a_body_that_is_only_an_aggregators_credit_is_no_text(credit: str) -> None:
    # a daily brief whose feed gives only the credit for its description: no text, as an
    # empty description is (the headline shows it), rather than the credit for its text
    article = Article("k", "Courier", "Channel to be dredged", (Paragraph(credit),))
    cleaned = normalise(article, RULES)
    assert cleaned.paragraphs == ()
    assert [(r.rule, r.text) for r in cleaned.removed] == [("agency-dateline", credit)]
    # and so when what else it had went (a link to read on)
    article = Article(
        "k", "Courier", "Channel to be dredged", tuple(map(Paragraph, [credit, "Read more"]))
    )
    assert normalise(article, RULES).paragraphs == ()


@pytest.mark.parametrize(
    "text",
    [
        # a note in brackets, a config file's section, a footnote's mark: real content
        "[Update: the dredging starts in May.]",
        "[dependencies]",
        "[1]",
        "[the harbour authority declined to comment]",
    ],
)
def test_a_body_that_is_only_a_bracketed_note_keeps_it(text: str) -> None:
    article = Article("k", "Courier", "Channel to be dredged", (Paragraph(text),))
    cleaned = normalise(article, RULES)
    assert [p.text for p in cleaned.paragraphs] == [text]
    assert cleaned.removed == ()


def test_a_credit_beside_the_articles_own_text_is_kept_as_it_stands() -> None:
    # only a whole body of it is no text: standing above the lead, it is left as it was
    paragraphs = (Paragraph("[Harbour Courier]"), Paragraph(LEAD_REST), LATER)
    cleaned = normalise(Article("k", "Courier", "Channel to be dredged", paragraphs), RULES)
    assert cleaned.paragraphs == paragraphs


def test_a_dateline_is_cut_from_the_first_paragraph_only() -> None:
    second = Paragraph(f"OSLO (NTB) — {LATER.text}")
    article = Article("k", "Courier", "Channel to be dredged", (Paragraph(LEAD_REST), second))
    assert normalise(article, RULES).paragraphs[1].text == second.text


# --- adversarial repetition: linear time --------------------------------------------------------

# A line a page repeats all the way down once made each paragraph go back over every earlier
# copy, and over every run from each (cubic time: 800 lines took seconds); the title printed
# line after line was cut one line per pass of cleaning, a pass each.
REPEATED = {
    "a short line": ("The council met.", "Harbour plan", 80),
    "a real paragraph": (
        "The council met on Monday and said it would act on the harbour plan.",
        "Harbour plan",
        150,
    ),
    "a heading": ("Related", "Harbour plan", 80),
    "the title": ("Harbour plan", "Harbour plan", 20),
}


@pytest.mark.parametrize("case", REPEATED, ids=list(REPEATED))
def test_a_paragraph_repeated_all_the_way_down_is_cleaned_in_linear_time(case: str) -> None:
    line, title, size = REPEATED[case]
    kind = "heading" if line == "Related" else "body"

    def clean(lines: str) -> Article:
        body = tuple(Paragraph(text, kind) for text in lines.splitlines())
        return normalise(Article("k", "Source", title, body))

    ratio = growth(clean, lambda n: "\n".join([line] * n), size)
    assert ratio < GENEROUS, f"ten times the paragraphs took {ratio:.0f} times as long"


# --- English site furniture: paywalls, corrections, wire footers ---------------------------------

# Each a whole paragraph as English sites print it today, worded apart from the held-out set.
ENGLISH_FURNITURE = [
    ("newsletter-prompt", "Register today to continue reading."),
    ("newsletter-prompt", "To keep reading, please sign in or subscribe for 99p a week."),
    ("newsletter-prompt", "You've read one free article this week. Subscribe for full access."),
    ("newsletter-prompt", "This episode is only for paying members."),
    ("newsletter-prompt", "Thank you for reading Harbour Notes. Subscribe to get the next post."),
    ("newsletter-prompt", "Subscribe for more stories like this"),
    ("newsletter-prompt", "Already a paid subscriber? Log in here"),
    ("newsletter-prompt", "This story is for subscribers only — upgrade to read the rest."),
    ("newsletter-prompt", "You have no free stories left this week: subscribe for $1."),
    ("newsletter-prompt", "You have no free reads left this month."),  # not speech: "reads"
    ("newsletter-prompt", "Sign up now to continue reading this article for free."),
    ("page-furniture", "Listen — 12:05"),
    ("page-furniture", "Save this story"),
    ("page-furniture", "Like Loading…"),
    ("correction-note", "A previous version of this story gave the wrong date for the vote."),
    ("correction-note", "Clarification, 4 May: This report was amended to name the landlord."),
    ("correction-note", "This post has been updated with the council's reply."),
    ("correction-note", "An earlier version of this report misstated the number of homes."),
    ("correction-note", "This report has been corrected to give the mayor's full name."),
    ("press-release-footer", "Investor relations: Ana Ruiz, ir@example.org"),
    ("press-release-footer", "SOURCE Northwind Robotics Inc."),
    ("press-release-footer", "SOURCE Bank of Harbour & Co."),
    ("press-release-footer", "View original content: https://example.org/release-2217.html"),
    ("copyright-line", "All rights reserved. Harbour Courier is a trademark of Courier Media."),
    ("affiliate-note", "If you buy through our links, we may earn an affiliate commission."),
    # a photo's credit standing alone, a comment section's state, a pointer elsewhere
    ("photo-credit", "Photograph: Ana Ruiz for the Courier"),
    ("photo-credit", "(Photo by Tom Hale/AFP via Getty Images)"),
    ("photo-credit", "Image credit: ESA/Hubble"),
    ("photo-credit", "AP Photo/Evan Vucci"),
    ("comment-prompt", "Comments for this story have been disabled."),
    ("comment-prompt", "Commenting is now closed."),
    ("comment-prompt", "Comments are closed for this article"),
    ("comment-prompt", "Comments are open for 48 hours after publication. Please keep it civil."),
    ("inline-teaser", "For more on the harbour works, visit our live page."),
    # a news agency's credits under its story, as its reprints keep them too
    (
        "wire-credits",
        "(Reporting by Kantaro Komiya and Satoshi Sugiyama in Tokyo; Additional reporting by "
        "Tim Kelly; Editing by Kim Coghill and Jacqueline Wong)",
    ),
    ("wire-credits", "Writing by Ana Ruiz; editing by Tom Hale"),
    ("wire-credits", "Associated Press writer Foster Klug in Tokyo contributed to this report."),
    (
        "wire-credits",
        "Associated Press writers Kim Tong-hyung in Seoul, South Korea, and Mari Yamaguchi "
        "contributed.",
    ),
    ("wire-credits", "Our Standards: The Thomson Reuters Trust Principles."),
    # an AI note on the key points above it ("these highlights", not "this article")
    ("ai-disclaimer", "These highlights were generated with AI and checked by an editor."),
]


@pytest.mark.parametrize(("rule", "prompt"), ENGLISH_FURNITURE)
def test_english_site_furniture_is_cut_wherever_it_stands(rule: str, prompt: str) -> None:
    for texts in ([prompt, *BODY], [BODY[0], prompt, BODY[1]], [*BODY, prompt]):
        kept, removed = clean(texts)
        assert [t for _, t in kept] == [t for t in texts if t != prompt]
        assert removed == [(rule, prompt)]


# Sentences that share those words and are the article's own.
ENGLISH_FURNITURE_LOOKALIKES = [
    "SOURCE Reuters reported that the strike began at dawn.",
    "Readers who subscribe to keep reading the archive pay $60 a year, the publisher said.",
    "The paper said you have three free articles a month before the paywall appears.",
    "An earlier version of the bill, which this article describes, was rejected in May.",
    "The correction ran on page two: the council had voted 5-4, not 4-5.",
    "Source: the county's own figures for 2025, published in March.",
    "Media contacts were told of the recall on Friday, a day before the public.",
    "She listened for 2:30 hours to the tapes before she called the police.",
    "Like a loading dock at dawn, the hall filled slowly.",
    "Gift cards and article numbers were missing from the receipts.",
    "Thanks for reading the minutes, the chair said, before the vote to subscribe to the fund.",
    "All rights reserved for the founders were sold in 2019, the filing shows.",
    "An earlier version of this report, published in 2019, found lead in 40 schools.",
    "A previous version of this report was leaked to reporters in March.",
    "This report was amended by the committee to drop the cost estimate.",
    "A previous version of this report found 40,000 homes at risk; the new one counts 65,000.",
    "An earlier version of this report estimated the repairs at $2m, half today's figure.",
    # a paywall's words opening a sentence that goes on about something else
    "This article is for members of the public who want to know how the new parking rules work.",
    "This episode is for paying members of the gym, who will get a refund in March.",
    "You've got three free articles a month on the site, which the owners say will not change.",
    "Subscribe to keep reading was the message readers met on Tuesday when the paywall went up.",
    # prose that opens as an agency's credits do
    "Reporting by the BBC found that 40 care homes had failed their inspections.",
    "Editing by hand took the team three weeks, the director said.",
    "Writers in Tokyo contributed to this report's findings through a shared archive.",
    "Our standards are higher than the law requires, the principal said of the new rules.",
    # a caption that describes the picture, prose that opens as a credit does
    "Photograph: a kingfisher on the mill race, taken at dawn, opens the show.",
    "Photo by photo, the archive was scanned over two winters.",
    "For more than a decade, visitors have queued at the gate before dawn.",
    # a prompt's words reported as someone's: a pattern matches, the speech keeps it
    "Media contacts: the ministry said it would answer written questions only.",
    "Sign up, the mayor urged parents, before the school places run out.",
    "Follow us on Instagram, the museum said in a post, for pictures of the restoration.",
    "Comments are closed on most stories after two days, the editor said.",
    # a public consultation, and a report's earlier findings, in a story about them
    "Comments are open until Feb. 3, and a public hearing is scheduled for March.",
    "A previous version of this report suggested the dam would hold until 2040.",
    "An earlier version of this report identified 12 sites; the final one lists 19.",
    "This report was updated in 2024 with new data from the census.",
    # what someone said of the report a story is about is never the story's own correction
    "An earlier version of this report contained an error in the deficit, the audit office said.",
    "This report has been updated since it was first published in 2019, the agency said.",
]


@pytest.mark.parametrize("sentence", ENGLISH_FURNITURE_LOOKALIKES)
def test_sentences_that_resemble_english_furniture_are_kept(sentence: str) -> None:
    for texts in ([sentence, *BODY], [BODY[0], sentence, BODY[1]], [*BODY, sentence]):
        assert clean(texts) == ([("body", t) for t in texts], [])


# --- AI summary blocks: a heading, a few points and a note that AI made them ----------------------

SUMMARY_BLOCKS = [
    # the note after the last point
    (
        ["Key points:", "• The utility will replace 12,000 lead pipes.", "• Schools come first."],
        "These key points were written by AI and checked by an editor.",
        "after",
    ),
    # the note before the heading (the block at the top, nothing before it)
    (
        ["Key takeaways", "Lead pipes go first near schools.", "The grant covers most of it."],
        "The following summary was generated with the help of AI.",
        "before",
    ),
    # the note between the heading and the first point
    (
        ["Key points", "The utility replaces 12,000 pipes.", "Households pay nothing."],
        "We use AI to write these key points. They may not always match what the article says.",
        "inside",
    ),
    # the takeaways above, made with AI
    (
        ["In brief", "12,000 pipes will be replaced.", "The work takes four years."],
        "The takeaways above were produced with the help of AI and checked by our newsroom.",
        "after",
    ),
    # the note is the heading
    (
        ["- 12,000 lead pipes will be replaced.", "- Streets near schools come first."],
        "AI-generated summary",
        "before",
    ),
    (
        ["Das Wichtigste in Kürze", "• 12.000 Bleirohre werden ersetzt.", "• Schulen zuerst."],
        "Diese Zusammenfassung wurde mit KI erstellt und von der Redaktion geprüft.",
        "after",
    ),
    (
        ["Auf einen Blick", "Die Stadt ersetzt 12.000 Rohre.", "Der Bund zahlt das meiste."],
        "Die folgenden Stichpunkte wurden mithilfe künstlicher Intelligenz erstellt.",
        "before",
    ),
    (
        ["L'essentiel", "• 12 000 canalisations seront remplacées.", "• Les écoles d'abord."],
        "Ce résumé a été généré par une intelligence artificielle et relu par la rédaction.",
        "after",
    ),
    (
        ["Puntos clave", "Se cambiarán 12.000 tuberías.", "Las escuelas van primero."],
        "Este resumen fue elaborado con inteligencia artificial y revisado por la redacción.",
        "before",
    ),
    # a label that says "summarised" names a summary: the points above it are what AI made
    (
        ["TL;DR", "• The utility replaces 12,000 pipes.", "• Households pay nothing."],
        "Summarised by AI, checked by our editors.",
        "after",
    ),
    # a label that names the block it labels
    (
        ["TL;DR:", "- 12,000 pipes will be replaced.", "- Schools come first."],
        "TL;DR generated by AI and reviewed by a reporter.",
        "after",
    ),
    (
        ["Kurz zusammengefasst", "Die Stadt ersetzt 12.000 Rohre.", "Schulen kommen zuerst."],
        "Zusammengefasst mit KI, geprüft von der Redaktion.",
        "after",
    ),
    (
        ["Resumen", "Se cambiarán 12.000 tuberías.", "Las escuelas van primero."],
        "Resumido con IA y revisado por la redacción.",
        "after",
    ),
    (
        ["Najważniejsze informacje", "Miasto wymieni 12 tys. rur.", "Najpierw przy szkołach."],
        "Podsumowanie przygotowane przy pomocy AI i sprawdzone przez redakcję.",
        "after",
    ),
]


def _with_note(points: list[str], note: str, where: str) -> list[str]:
    if where == "before":
        return [note, *points]
    if where == "inside":
        return [points[0], note, *points[1:]]
    return [*points, note]


@pytest.mark.parametrize(("block", "note", "where"), SUMMARY_BLOCKS)
@pytest.mark.parametrize("at_end", [False, True])
def test_ai_summary_block_goes_with_its_note(
    block: list[str], note: str, where: str, at_end: bool
) -> None:
    # The note alone went before: the heading and points stayed, repeating the article.
    texts = _with_note(block, note, where)
    kept, removed = clean([*BODY, *texts] if at_end else [*texts, *BODY])
    assert [t for _, t in kept] == BODY
    assert [t for rule, t in removed if rule == "ai-summary-block"] == block
    assert note.startswith(" ".join(t for rule, t in removed if rule == "ai-disclaimer"))


@pytest.mark.parametrize(
    "heading",
    ["Key points (AI-generated)", "KI-Zusammenfassung", "En bref (résumé généré par IA)"],
)
def test_ai_summary_block_whose_heading_is_its_note(heading: str) -> None:
    points = ["– 12,000 pipes will be replaced.", "– The grant pays for most of it."]
    kept, removed = clean([heading, *points, *BODY])
    assert [t for _, t in kept] == BODY
    assert removed == [("ai-summary-block", t) for t in [heading, *points]]


def test_ai_summary_points_with_dates_are_read_in_the_articles_language() -> None:
    # "am 1. Mai." ends no German sentence: split without the language, the point looked like
    # two sentences and ended the block, and the points after it stayed
    heading = "Das Wichtigste in Kürze"
    points = [
        "Das Freibad öffnet schon am 1. Mai.",
        "Der Eintritt kostet weiter 4 Euro.",
        "Neu ist ein Becken für Kinder.",
    ]
    note = "Diese Zusammenfassung wurde mit KI erstellt und von der Redaktion geprüft."
    body = [
        "Die Stadt hat am Dienstag die Pläne für die Badesaison vorgestellt. Das Freibad am "
        "Stadtpark soll in diesem Jahr zwei Wochen früher öffnen als bisher, sagte die "
        "Bürgermeisterin im Rathaus.",
        "Die Kosten für das neue Kinderbecken liegen bei rund 800.000 Euro. Der größte Teil "
        "kommt aus einem Förderprogramm des Landes, den Rest trägt die Stadt.",
    ]
    paragraphs = tuple(Paragraph(t) for t in [note, heading, *points, *body])
    result = normalise(Article("k", "Kurier", "", paragraphs, language="de"), RULES)
    assert [p.text for p in result.paragraphs] == body


def test_ai_summary_heading_and_point_in_one_paragraph() -> None:
    summary = "Summary: The utility will replace 12,000 lead pipes over four years, at no cost."
    note = "This summary was written by an AI tool and may contain errors."
    kept, removed = clean([summary, note, *BODY])
    assert [t for _, t in kept] == BODY
    assert ("ai-summary-block", summary) in removed


def test_ai_summary_block_reason_quotes_the_note() -> None:
    note = "These key points were written by AI and checked by an editor."
    paragraphs = [Paragraph(t) for t in ["Key points", "Pipes go.", "Schools first.", note, *BODY]]
    result = normalise(Article("k", "Courier", "", tuple(paragraphs)))
    reasons = {r.rule: r.reason for r in result.removed}
    assert note in reasons["ai-summary-block"]


@pytest.mark.parametrize(
    "heading",
    [
        "Key points: these were generated by AI",
        "Key points (they were written with AI and checked by an editor)",
        "Key takeaways. These were produced by an AI tool.",
    ],
)
def test_ai_summary_heading_and_its_note_in_one_paragraph(heading: str) -> None:
    # The note points back at the heading it shares a paragraph with; neither it nor the
    # points went, as the note alone is no disclaimer ("these were" names no text).
    points = ["The utility replaces 12,000 pipes.", "Households pay nothing."]
    kept, removed = clean([heading, *points, *BODY])
    assert [t for _, t in kept] == BODY
    assert removed == [("ai-summary-block", t) for t in [heading, *points]]


@pytest.mark.parametrize(
    "note",
    [
        "Key points: these key points were generated by AI and reviewed by an editor.",
        "Das Wichtigste in Kürze: Diese Zusammenfassung wurde mit KI erstellt.",
    ],
)
def test_ai_note_that_opens_with_the_heading_takes_the_points_with_it(note: str) -> None:
    # The note went as a disclaimer, heading and all; the points after it stayed.
    points = ["The utility replaces 12,000 pipes.", "Households pay nothing."]
    kept, removed = clean([note, *points, *BODY])
    assert [t for _, t in kept] == BODY
    assert [t for rule, t in removed if rule == "ai-summary-block"] == points


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_separator_between_an_ai_summary_and_its_note(where: str) -> None:
    # "* * *" between the note and the block: the note was handed to the separator, which
    # was cut, and the heading after it never saw the note.
    block = ["Key points", "The utility replaces 12,000 pipes.", "Households pay nothing."]
    note = "These key points were generated by AI and reviewed by an editor."
    texts = [note, "* * *", *block] if where == "before" else [*block, "* * *", note]
    kept, removed = clean([*texts, *BODY])
    assert [t for _, t in kept] == BODY
    assert [t for rule, t in removed if rule == "ai-summary-block"] == block


SUMMARY_LOOKALIKES = [
    # an author's own key points, with no note
    ["Key points", "• Replace the pipes.", "• Start near schools.", *BODY],
    # a note on the whole article, not on the summary beside it
    [*BODY, "Summary", "• Pipes go.", "• Schools first.", "This article was translated with AI."],
    # the same with a separator between them
    [*BODY, "Summary", "• Pipes go.", "• Schools first.", "* * *", "This article used AI."],
    # a heading and a point of its own about AI, not a note on the block
    ["Key points: The utility used AI to plan the work", "• Pipes go.", "• Schools first.", *BODY],
    # a note on the article that opens with a heading's word: it is not about the block
    ["Summary: This article was written with the help of AI.", "Pipes go.", "Schools go.", *BODY],
    # the note is not beside the block: a paragraph of the article comes between
    ["Key points", "• Pipes go.", "• Schools first.", *BODY, "This summary was made with AI."],
    # an AI note over an article that is itself the summary, with no heading
    ["This summary was generated by AI from the council's minutes.", *BODY],
    # more short lines than a summary gives: a wire story of one-line paragraphs
    [
        "This summary was generated by AI.",
        "In brief",
        *(f"Line {n} of the wire story, a sentence of its own." for n in range(1, 9)),
        *BODY,
    ],
    # the points are all the article has
    ["Key points", "• Pipes go.", "• Schools first.", "These key points were made by AI."],
    # an author's own TL;DR, and a story that quotes a label on summaries further on
    [
        "TL;DR",
        "• I write my summaries myself.",
        "• It takes ten minutes.",
        *BODY,
        "Summarized by AI, reviewed by editors: the label a news site puts on its summaries "
        "tells readers the wrong thing, one of its editors said.",
    ],
    # reported speech: a story about AI summaries
    [
        "Key points",
        "• Readers distrust AI summaries.",
        '"These key points were generated by AI," the label reads, the study found.',
        *BODY,
    ],
]


@pytest.mark.parametrize("texts", SUMMARY_LOOKALIKES)
def test_summary_blocks_without_a_note_on_them_are_kept(texts: list[str]) -> None:
    kept, removed = clean(texts)
    assert not [t for rule, t in removed if rule == "ai-summary-block"]
    assert all(t in [k for _, k in kept] for t in texts if "AI" not in t and t != "* * *")


def test_user_noted_block_rule(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        """
[[rule]]
id = "sintesi"
kind = "noted_block"
description = "Italian AI summary"
noted_by = ["ai-disclaimer"]
patterns = ["in sintesi"]
""",
    )
    rules = load_rules(path)
    note = "This summary was generated by AI."
    kept, removed = clean(
        ["In sintesi", "Tubi sostituiti.", "Scuole prima.", note, *BODY], rules=rules
    )
    assert [t for _, t in kept] == BODY
    assert [rule for rule, _ in removed] == ["sintesi"] * 3 + ["ai-disclaimer"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('noted_by = ["ai-disclaimer"]\n', "'noted_by' only applies to noted_block rules"),
        (
            'noted_by = ["no-such-rule"]\n',
            "noted_by: no disclaimer rule 'no-such-rule'",
        ),
        ('noted_by = ["ai-disclaimer"]\nnote_signals = ["nope"]\n', "unknown signal 'nope'"),
        ("", "'noted_by' must name the disclaimer rules"),
    ],
)
def test_bad_noted_block_rule(tmp_path: Path, text: str, problem: str) -> None:
    kind = "noted_block" if "only applies" not in problem else "standalone"
    rule = f'[[rule]]\nid = "x"\nkind = "{kind}"\ndescription = "X"\npatterns = ["x+"]\n'
    with pytest.raises(ValueError, match=re.escape(problem)):
        load_rules(write_rules(tmp_path, rule + text))


@pytest.mark.parametrize(
    "heading",
    ["AI highlights", "AI at a glance", "In brief: AI", "Takeaways – AI", "KI auf einen Blick"],
)
def test_points_on_ai_under_a_heading_naming_it_are_kept(heading: str) -> None:
    # A newsletter's section of AI news: the heading names what the points are about, not
    # how they were made, and no note says AI wrote them.
    points = [
        "• OpenAI released a new model on Tuesday.",
        "• Google cut prices for its cloud tools.",
        "• Meta hired two researchers from Apple.",
    ]
    for texts in ([heading, *points, *BODY], [*BODY, heading, *points]):
        kept, removed = clean(texts)
        assert ([t for _, t in kept], removed) == (texts, [])


def test_ai_news_point_under_an_inline_label_is_kept() -> None:
    texts = ["AI highlights: Nvidia shares rose 4 percent after its results on Tuesday.", *BODY]
    assert clean(texts) == ([("body", t) for t in texts], [])


@pytest.mark.parametrize(
    "opening",
    [
        ["Key points (AI-generated)"],
        ["Key points", "These key points were generated by AI."],
    ],
)
def test_article_lead_after_a_noted_heading_with_no_points_is_kept(opening: list[str]) -> None:
    # The points a page's script fills in were not in the page read: the one-sentence lead
    # right after the heading is the article's, not a point of the summary.
    kept, removed = clean([*opening, *BODY])
    assert [t for _, t in kept][-len(BODY) :] == BODY
    assert not [t for rule, t in removed if rule == "ai-summary-block" and t in BODY]


SPONSORS = [
    "Sponsored by:",
    "Warby Parker: Boutique-quality glasses at a fair price. Try five pairs at home for free.",
    "Squarespace: Make your next move. Use code HARBOUR for 10% off your first order.",
    "Fracture: Your photos, printed beautifully directly on glass.",
]


def test_a_list_of_sponsors_ending_the_notes_is_cut() -> None:
    kept, removed = clean([*BODY, *SPONSORS])
    assert [t for _, t in kept] == BODY
    assert removed == [("sponsor-block", t) for t in SPONSORS]


@pytest.mark.parametrize(
    "texts",
    [
        # the article goes on after it: a section of its own
        [BODY[0], *SPONSORS, BODY[1]],
        # a story's last paragraphs, on who paid for the race, in prose
        [
            *BODY,
            "Sponsored by:",
            "The race was paid for by the town's three largest employers, the organisers said.",
            "Each gave about £5,000, a sum the council matched for the first time this year.",
        ],
        # the race's own sponsors, each with what it gave: nothing offered to the reader
        [
            *BODY,
            "Sponsored by:",
            "Harbour Bakery: bread and pastries for every runner at the finish.",
            "Miller & Sons: the timing chips and the results service.",
            "Riverside Dental: the medals, for the fifth year running.",
        ],
        # ... most of it given for free: given to the race, not offered to the reader
        [
            *BODY,
            "Sponsored by:",
            "Harbour Bakery: bread and pastries for every runner at the finish, for free.",
            "Miller & Sons: the timing chips and the results service, both for free.",
            "Riverside Dental: the medals, for the fifth year running.",
        ],
        # a conference's tiers of sponsors
        [*BODY, "Sponsors", "Platinum: Acme Corp, Globex", "Gold: Initech, Umbrella"],
    ],
)
def test_sponsors_named_in_the_articles_own_prose_are_kept(texts: list[str]) -> None:
    kept, removed = clean(texts)
    assert [t for _, t in kept] == texts and removed == []


# --- a video's or an episode's description: the creator's own lines ----------------------------

CREATOR_LINES = [
    ("donation-appeal", "Support the channel on Patreon: https://www.patreon.com/leithcycle"),
    ("donation-appeal", "Become a patron: https://www.patreon.com/leithcycle"),
    ("donation-appeal", "Unterstütze den Kanal auf Steady: https://steadyhq.com/de/radweg"),
    ("donation-appeal", "Apoya el canal en Ko-fi: https://ko-fi.com/ciclovia"),
    ("donation-appeal", "Soutiens la chaîne sur Tipeee : https://fr.tipeee.com/velo"),
    ("donation-appeal", "Apoie o canal no Apoia.se: https://apoia.se/ciclovia"),
    ("creator-links", "Merch: https://leithcycle.myshopify.com"),
    ("creator-links", "Instagram: @leith_cycle | TikTok: @leithcycle"),
    ("creator-links", "Tienda: https://ciclovia.example/tienda"),
    (
        "channel-prompt",
        "Subscribe for more: https://www.youtube.com/@leithcycle?sub_confirmation=1",
    ),
    ("channel-prompt", "Abonniere den Kanal und aktiviere die Glocke!"),
    ("channel-prompt", "Suscríbete al canal y activa la campanita"),
    ("channel-prompt", "Abonne-toi à la chaîne !"),
    ("channel-prompt", "Inscreva-se no canal e ative o sininho!"),
    ("social-prompt", "Follow me on Instagram @leith_cycle"),
    ("social-prompt", "Folge mir auf Instagram: @radweg_berlin"),
    ("social-prompt", "Sígueme en Instagram @ciclovia"),
    (
        "sponsor-note",
        "This video is sponsored by Ridewell. Use code LEITH20 for 20% off your first order"
        " at https://ridewell.example/leith",
    ),
    (
        "sponsor-note",
        "Dieses Video wird von Ridewell gesponsert. Mit dem Code RADWEG gibt es 20 % Rabatt.",
    ),
    ("sponsor-note", "Este vídeo está patrocinado por Ridewell. Usa el código CICLO y ahorra."),
    ("sponsor-note", "Cette vidéo est sponsorisée par Ridewell. Utilise le code VELO."),
    ("sponsor-note", "Este vídeo é patrocinado pela Ridewell. Use o cupom CICLO."),
    ("affiliate-link", "My gear (affiliate links):"),
    ("affiliate-link", "Meine Ausrüstung (Affiliate-Links):"),
    ("affiliate-link", "Mi equipo (enlaces de afiliado):"),
    ("affiliate-link", "Camera: https://amzn.to/3abcdEf"),
    ("affiliate-link", "Cámara: https://www.amazon.es/dp/B0ABC12345?tag=ciclovia-21"),
    ("hashtag-line", "#cycling #leith #edinburgh"),
]


@pytest.mark.parametrize(("rule", "line"), CREATOR_LINES, ids=[line for _, line in CREATOR_LINES])
def test_a_creators_lines_under_a_video_are_cut(rule: str, line: str) -> None:
    kept, removed = clean([BODY[0], line, BODY[1]])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed == [(rule, line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The artist, who now earns most of her income on Patreon, said fans kept the studio open.",
        "Support the channel on Patreon, the council's officer urged creators at the launch.",
        "Patreon said on Tuesday it would cut 80 jobs as creators left the platform.",
        "The festival is sponsored by Acme Bank. Use of the park is free for residents.",
        "The video was sponsored by the ministry, which paid £40,000 for it, the report found.",
        "The sponsor, Ridewell, offered a 20% discount code to riders, the club said.",
        "Subscribers to the channel rose by a third after the documentary aired.",
        "Shop: the baker on Leith Walk sells out by ten.",
    ],
)
def test_sentences_about_creators_and_sponsors_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


def test_a_videos_chapters_stay_a_list_and_are_no_headings() -> None:
    chapters = ["00:00 Intro", "01:42 Why not just close it?", "04:10 The loading bays"]
    kept, removed = clean([BODY[0], "Chapters:", *chapters])
    assert kept == [("body", BODY[0]), ("body", "Chapters:"), *(("body", c) for c in chapters)]
    assert removed == []


# --- a creator's sign-off and calls to subscribe, offers with a code, lists left empty --------

CHANNEL_PROMPTS = [
    "Thank you so much for watching, see you on Friday!",
    "Please like and subscribe for more rides.",
    "Smash that like button if you enjoyed this one.",
    "Turn on notifications so you don't miss the next build.",
    "Join this channel for early access: https://www.youtube.com/channel/UCabc/join",
    "Vielen Dank fürs Zuschauen und bis zum nächsten Mal!",
    "Lass gerne ein Like und ein Abo da!",
    "Merci beaucoup d'avoir regardé, à la semaine prochaine !",
    "Abonnez-vous et activez la cloche pour ne rien rater !",
    "¡Muchas gracias por verme! Nos vemos en el próximo.",
    "Muito obrigado por assistir e até a próxima!",
    "Non dimenticate di iscrivervi al canale!",
    "Bedankt voor het luisteren en tot volgende week!",
    # a paragraph of prompts, each a sentence of its own
    "Thanks for listening! Subscribe to the podcast for more.",
    "Danke fürs Zuhören! Abonniert den Podcast, damit ihr keine Folge verpasst.",
]


@pytest.mark.parametrize("line", CHANNEL_PROMPTS)
def test_a_creators_sign_off_and_calls_to_subscribe_are_cut(line: str) -> None:
    kept, removed = clean([BODY[0], BODY[1], line])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed == [("channel-prompt", line)]


# A condition put to the reader ("if you found this useful"), before or after the call to like
# or subscribe: the sign-off's, not a report of what someone found.
CONDITIONAL_PROMPTS = [
    "Smash that like button if you found this useful!",
    "If you found the ride helpful, like and subscribe.",
    "If you've found this video useful, please subscribe for more.",
    "Wenn dir die Tour gefallen hat, lass gerne ein Abo da!",
    "Wenn euch die Folge gefallen hat, dann abonniert den Podcast.",
    "Si tu as aimé la balade, abonne-toi !",
    "Si te ha servido el vídeo, suscríbete al canal.",
    "Dale a like si te gustó la ruta.",
    "Se você gostou do passeio, deixe o seu like!",
    "Se ti è piaciuto il video, iscriviti al canale!",
    "Als je de rit leuk vond, abonneer je dan op het kanaal.",
]


@pytest.mark.parametrize("line", CONDITIONAL_PROMPTS)
def test_a_condition_put_to_the_reader_around_a_call_to_subscribe_is_a_sign_off(line: str) -> None:
    kept, removed = clean([BODY[0], BODY[1], line])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed == [("channel-prompt", line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "He said he found the evidence useful and would like to see the report published.",
        "If you found this useful, the mayor told residents, subscribe to the council's channel.",
        "Si te ha gustado, dijo el alcalde a los vecinos, suscríbete al canal del ayuntamiento.",
        "The study found that viewers who subscribe to a channel rarely press the like button.",
    ],
)
def test_a_report_of_what_someone_found_or_said_about_subscribing_is_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


@pytest.mark.parametrize(
    "sentence",
    [
        "\u201cLike and subscribe,\u201d the streamer told her followers before going offline.",
        "Thanks for watching the match with us, the club wrote on its website on Sunday.",
        "Hit the bell at noon, the vicar told the twenty volunteers.",
        "Subscribe to keep reading was the message readers met on Tuesday.",
        "Danke fürs Zuschauen sagten die Veranstalter den 3000 Besuchern am Ende des Abends.",
        "Thanks for watching! The next video is about the harbour bridge and Tuesday's vote.",
        "Like and share the council's post, residents were told.",
    ],
)
def test_sentences_that_speak_of_subscribing_and_watching_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


OFFERS = [
    "Use code HARBOUR15 at checkout for 15% off your first year.",
    "Enter the code 'RIDE2026' to save $10 on a new helmet.",
    "Save 25% on a year of CloudVault with code CLOUD25: https://cloudvault.example/leith",
    "Get 10% off a standing desk:",
    "Code: leithcycle",
    "Nutze den Code RADWEG10 und spare 10 % auf deine erste Bestellung.",
    "Utilisez le code VELO20 pour obtenir 20 % de réduction sur tout le site.",
    "Con el código CICLO15 tienes un 15 % de descuento en toda la tienda.",
    "Con il codice ORTO10 hai il 10% di sconto sul primo ordine.",
    "Gebruik de code FIETS voor 10% korting.",
]


@pytest.mark.parametrize("line", OFFERS)
def test_an_offer_with_a_code_is_cut(line: str) -> None:
    kept, removed = clean([BODY[0], line, BODY[1]])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed == [("offer-code", line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Customers who enter the code FIRSTTRIP when booking get a quarter off, the operator said.",
        "Use code words, not names, when you talk about a patient in the corridor.",
        "Save 30% on your energy bills by insulating the loft, the council advises.",
        "Shoppers used the code SPRING20 more than 40,000 times in the first week.",
        "Use of the code is limited to one journey per passenger.",
        "Shares rose 5% on Monday after the code of conduct was published at example.com.",
        "Mit dem Code auf der Rückseite der Karte lässt sich das Konto freischalten.",
        "Code: the software behind the council's parking app, published on Monday.",
    ],
)
def test_sentences_about_codes_and_discounts_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


# An HTML list's items carry their bullets (digest.text.html): each list below, written in
# HTML, is cleaned as the same list typed with bullets is.
HTML_LISTS = [
    # the steps of a how-to, short lines in lower case that go on the sentence above them
    (
        "<p>Joining the tool library takes three steps:</p><ul><li>sign up</li>"
        "<li>pay the £5 fee</li><li>collect your card at the desk</li></ul>",
        [
            "Joining the tool library takes three steps:",
            "- sign up",
            "- pay the £5 fee",
            "- collect your card at the desk",
        ],
    ),
    # what the council did, short lines ending no sentence: items, not headings
    (
        "<ul><li>Painted a bike lane along the quay</li><li>Put benches on the square</li></ul>",
        ["- Painted a bike lane along the quay", "- Put benches on the square"],
    ),
    # a numbered list of steps, in French
    (
        "<ol><li>Suivez la page de la mairie</li><li>Inscrivez-vous à la liste d'attente</li>"
        "<li>Attendez le courrier de confirmation</li></ol>",
        [
            "1. Suivez la page de la mairie",
            "2. Inscrivez-vous à la liste d'attente",
            "3. Attendez le courrier de confirmation",
        ],
    ),
    # a box of points that AI wrote, at the top of a story, in German
    (
        "<p>KI-Zusammenfassung</p><ul><li>Die Stadt ersetzt 12.000 Bleirohre.</li>"
        "<li>Schulen kommen zuerst.</li></ul>",
        ["KI-Zusammenfassung", "- Die Stadt ersetzt 12.000 Bleirohre.", "- Schulen kommen zuerst."],
    ),
]


@pytest.mark.parametrize(("html", "typed"), HTML_LISTS)
def test_an_html_list_is_cleaned_as_the_same_list_typed_with_bullets(
    html: str, typed: list[str]
) -> None:
    converted = html_to_paragraphs(html)
    kept, removed = clean([BODY[0], *converted, BODY[1]])
    bulleted_kept, bulleted_removed = clean([BODY[0], *typed, BODY[1]])

    def unmarked(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(a, re.sub(r"^(?:[-\u2022]|\d\.) ", "", text)) for a, text in pairs]

    assert unmarked(kept) == unmarked(bulleted_kept)
    assert unmarked(removed) == unmarked(bulleted_removed)
    # and none of them is a heading, nor a prompt cut from the article's own list
    assert all(kind == "body" for kind, _ in kept)


def test_an_html_list_of_points_that_ai_wrote_is_cut_as_typed_points_are() -> None:
    html = HTML_LISTS[-1][0]
    kept, removed = clean([*html_to_paragraphs(html), *BODY])
    assert [text for _, text in kept] == BODY
    assert [rule for rule, _ in removed] == ["ai-summary-block"] * 3


def test_a_lists_heading_goes_when_all_its_lines_were_cut() -> None:
    handles = ["Instagram: @leith_cycle", "TikTok: @leithcycle"]
    kept, removed = clean([BODY[0], BODY[1], "Find the channel elsewhere:", *handles])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed[0] == (ORPHAN_LIST_HEADING, "Find the channel elsewhere:")
    # before the text that goes on, as much as at the end
    gear = ["Camera: https://amzn.to/3abcdEf", "Lens: https://amzn.to/3ghijKl"]
    kept, removed = clean([BODY[0], "Filmed with:", *gear, BODY[1]])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert (ORPHAN_LIST_HEADING, "Filmed with:") in removed


@pytest.mark.parametrize(
    "texts",
    [
        # a line of the list is left: it heads that line
        [BODY[0], "Filmed with:", "Camera: https://amzn.to/3abcdEf", "Tripod: a borrowed one"],
        # the article's own list, nothing of it cut
        [BODY[0], "What the repairs involved:", "- a new oak frame", "- the clapper re-forged"],
        # a sentence that introduces the next paragraph, which stays
        [BODY[0], "The mayor put it this way:", BODY[1]],
    ],
)
def test_a_lists_heading_stays_with_its_lines(texts: list[str]) -> None:
    kept, _ = clean(texts)
    assert texts[1] in [text for _, text in kept]


@pytest.mark.parametrize(
    "line",
    [
        "Live \u2013 all the latest from the count",
        "Follow the latest updates in our live blog",
        "Local elections 2026 \u2013 live updates",
        "Alle Entwicklungen zum Streik im Liveblog",
        "Suivez en direct la soirée électorale",
        "En directo: última hora de la DANA",
        "Segui la diretta della partita",
        "Acompanhe ao vivo a votação no Parlamento",
    ],
)
def test_a_pointer_to_the_live_blog_is_cut(line: str) -> None:
    kept, removed = clean([BODY[0], line, BODY[1]])
    assert kept == [("body", BODY[0]), ("body", BODY[1])]
    assert removed == [("inline-teaser", line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The debate will be broadcast live on Radio Harbour from 7pm.",
        "Live music returns to the bandstand this summer, the council said.",
        "En direct de Marseille, le président a promis des mesures pour le port.",
        "Follow the money, the auditor told the committee on Thursday.",
    ],
)
def test_sentences_about_live_broadcasts_are_kept(sentence: str) -> None:
    assert kept_texts([BODY[0], sentence, BODY[1]]) == [BODY[0], sentence, BODY[1]]


WIRE_LEAD = (
    "WASHINGTON (AP) \u2014 The Senate passed a stopgap spending bill late Friday, sending it to "
    "the president hours before funding was due to run out."
)
WIRE_SENTENCE = WIRE_LEAD.split("\u2014 ", 1)[1]


@pytest.mark.parametrize(
    "byline", ["By PRIYA NAIR and DAVID OKONJO", "BY PRIYA NAIR, Associated Press"]
)
def test_a_byline_in_capitals_above_the_text_is_cut(byline: str) -> None:
    kept, removed = clean([byline, WIRE_LEAD, BODY[1]])
    assert kept == [("body", WIRE_SENTENCE), ("body", BODY[1])]
    assert removed == [(BYLINE, byline), ("agency-dateline", "WASHINGTON (AP) \u2014")]


def test_a_byline_in_capitals_run_into_the_lead_is_cut() -> None:
    kept, removed = clean([f"By MARÍA LÓPEZ-GARCÍA {WIRE_LEAD}", BODY[1]])
    assert kept == [("body", WIRE_SENTENCE), ("body", BODY[1])]
    assert removed[0] == (BYLINE, "By MARÍA LÓPEZ-GARCÍA")


@pytest.mark.parametrize(
    "lead",
    [
        "By the time firefighters arrived, the roof of the warehouse had collapsed.",
        "By NOON, the queue stretched around the block and past the station.",
        "By NASA standards, the launch on Tuesday was a modest success.",
    ],
)
def test_a_lead_that_opens_with_by_is_kept(lead: str) -> None:
    assert kept_texts([lead, BODY[1]]) == [lead, BODY[1]]
