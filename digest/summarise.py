"""The lead-sentence summariser: an article's first few real sentences, within a budget.

News is written lead-first, so the opening sentences are a strong summary (the "Lead-3"
baseline that abstractive summarisers on CNN/DailyMail barely beat). What makes it work on
real pages is skipping what is not prose: headings, datelines (``WASHINGTON (Reuters) -`` is cut
and the sentence kept, as is a publisher an aggregator credits in brackets: ``[Premium Times]``),
bylines, timestamps, photo credits and captions, and boilerplate such
as "Advertisement".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from digest.model import Article, Attributed, Paragraph
from digest.text.bylines import capitals_byline, names_only
from digest.text.headlines import HEADLINE_CHARS, credit_in_brackets, sentence_headline
from digest.text.lexicon import any_of, lexicon
from digest.text.normalise import default_rules
from digest.text.sentences import iter_sentences
from digest.text.shapes import (
    HASHTAG_RUN,
    bulleted,
    hashtags,
    is_list_item,
    list_marker,
    timestamp_list,
)

if TYPE_CHECKING:
    import numpy as np

ELLIPSIS = "\u2026"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_LEXICON = lexicon()
_AGENCIES = "|".join(_LEXICON.dateline_agencies)
_DASH = r"(?:--|[\u2014\u2013-])"
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # capitals, including accented Latin ones (SÃO, MONTRÉAL)
# "Calif.", "Ukraine", "Nov.", "14"; the particles of a place's name and the short months that
# Spanish, French and Portuguese wires write in lower case ("Ciudad de México, 4 mar")
_DETAIL = (
    rf"(?:[{_UP}][\w'\u2019.-]*|\d{{1,4}},?"
    r"|(?:de|del|della|di|da|do|dos|du|des|am|an|im|der|sur|upon|on|el|la|le|les|los|las)(?= )"
    r"|[a-zé]{3,4}\.?,?(?= \())"
)
# "WASHINGTON (Reuters) - ", "London (CNN) -- ", "PARIS, Nov. 14 (AFP) - ", "(CNN)The ...",
# "MADRID (EFE).- " (a Spanish wire's), "CHICAGO--(BUSINESS WIRE)--", "BOSTON, March 3, 2026
# /PRNewswire/ -- " (press releases: the wire in slashes, and run into its dashes)
_DATELINE_AGENCY = re.compile(
    rf"^(?:[{_UP}][^\W\d_]*\.?(?:[ ,]+{_DETAIL}){{0,6}}\s*)?(?:--\s*)?"
    rf"(?:\((?:{_AGENCIES})\)|/(?:{_AGENCIES})/)\s*\.?\s*(?:{_DASH}\s*|:\s*)?"
)
# "KYIV, Ukraine — ", "NEW YORK -- ", "LOS ANGELES, Calif. - ", "WASHINGTON, March 3 — "
_DATELINE_CAPS = re.compile(
    rf"^[{_UP}][{_UP}'\u2019.-]+(?: [{_UP}][{_UP}'\u2019.-]+){{0,3}}"
    rf"(?:,\s*{_DETAIL}(?:\s+{_DETAIL}){{0,3}})?"
    rf"\s+{_DASH}(?:\s+|$)"
)

# what comes before a colon near a sentence's start, for a timestamp used as a label
_LABEL_PREFIX = re.compile(r"^([^:]{1,40}):\s+")
_WORD = re.compile(r"[^\W_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_ORDINAL_OR_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|am|pm|h)?", re.IGNORECASE)
_STATUS_WORDS = _LEXICON.status_words | _words("last first am pm a m p at on")
_DATE_WORDS = (
    _LEXICON.english_months
    | _LEXICON.english_weekdays
    | _LEXICON.timestamp_zones
    | _LEXICON.relative_days
    | _words("of the")
)
_STATUS_START = re.compile(
    rf"^(?:(?:last|first)\s+)?(?:{any_of(_LEXICON.status_words)})\b", re.IGNORECASE
)

# "By Jane Doe", and the word other languages open a byline with, capitalised as a line starts:
# "Por Ana Lima e João Reis", "Von Katrin Vogel"
_BYLINE_STARTERS = (
    *_LEXICON.byline_starters,
    *sorted(lead.capitalize() for lead in _LEXICON.byline_leads),
)
_BYLINE = re.compile(rf"^(?:{any_of(_BYLINE_STARTERS)})\b[\s.:]*(.*)$", re.DOTALL)
# What a byline line may carry after its names: "By Jane Doe | Published: February 15, 2026
# Reading Time: ~10 minutes" (the status and date are a timestamp; the reading time is cut)
_BYLINE_STATUS = re.compile(
    rf"\s[|\u00b7\u2022]?\s*(?=(?:{any_of(_LEXICON.status_words)})\b)", re.IGNORECASE
)
_READING_TIME = re.compile(
    r"[\s|\u00b7\u2022]*(?:reading\s+time\s*:?\s*~?\d+\s*min(?:ute)?s?\.?"
    r"|~?\d+\s*min(?:ute)?s?\s+read)\s*$",
    re.IGNORECASE,
)
# A byline's roles in brackets: "By Oliver Chang, Abhishek Arya (Security Engineers, Chrome
# Security), and Josh Armour (Program Manager)"
_BRACKETED = re.compile(r"\([^()]{0,80}\)")
# A line that is only a link: a bare address, never a sentence of the article
_BARE_URL = re.compile(r"^[(<\[]?(?:https?://|www\.)\S+$", re.IGNORECASE)
# The signature under a quotation or a post, standing alone: "— @hodlhodl", "- EDW"
_SIGNATURE = re.compile(r"^(?:--|[\u2014\u2013-])\s*(@\w+|[^\s!?].*)$", re.DOTALL)
# Hashtags after a post's last sentence, or on a line of their own (a Mastodon or micro.blog
# post's "#Leith #cycling"): they file the post, and say nothing in a summary or a headline.
# A tag inside a sentence ("a ride for #BikeWeek today") is one of its words and stays.
# (What a hashtag is: ``shapes.HASHTAG``.)
_TRAILING_TAGS = re.compile(rf"(?<=[.!?\u2026\"'\u201d\u2019)])\s+{HASHTAG_RUN}\s*$")
# A template's unfilled value that a feed carries as its text ("<description>null
# </description>"): the article has no text, not the word
_PLACEHOLDER = re.compile(r"^(?:null|undefined|none|nan|\[object object\])$", re.IGNORECASE)
_MEDIA = any_of(_LEXICON.credit_media)  # "photo", "image", "video"...
_CREDIT_START = re.compile(
    r"^[(\[]?\s*(?:"
    rf"(?i:{_MEDIA})s?"
    rf"(?i:\s*(?:{any_of((*_LEXICON.credit_qualifiers, 'by'))}))?\s*[:|/\uff1a]"
    rf"|(?i:{_MEDIA})s?"
    r"\s+(?i:by|courtesy(?:\s+of)?|credit)\s+(?=[A-Z])"
    r"|(?i:credits?|pictured)\s*[:|]"
    r"|(?i:courtesy)(?:\s+of)?\s*[:|]?\s*(?=[A-Z]))",
)
_FILE_PHOTO = re.compile(rf"^[(\[]?\s*file\s+(?:{_MEDIA})\b", re.IGNORECASE)
_CREDIT_NAMES = any_of((*_LEXICON.photo_agencies, *_LEXICON.credit_words))
# "Jane Doe/Reuters", "Pool/AFP", and a picture library's resale: "Jose Jordan/AFP via Getty
# Images"
_CREDIT_ONLY = re.compile(
    rf"^[(\[]?\s*(?:[^()\[\]/]{{0,60}}/\s*)?(?:{_CREDIT_NAMES})\b"
    rf"(?:\s+via\s+(?:{_CREDIT_NAMES})\b)?"
    rf"(?:\s*[/|,;]\s*[^()\[\]]{{0,60}})?[)\]]?\s*\.?$",
)
_CAPTION_END = re.compile(
    rf"[(\[][^()\[\]]{{0,80}}\b(?:{_CREDIT_NAMES})\b[^()\[\]]{{0,80}}[)\]]\s*\.?$",
)
# Boilerplate ("Advertisement", "Sign up for our newsletter") is what the normalise stage's
# rules.toml calls so; a sentence is skipped when a standalone rule matches it whole. A label
# standing alone is a subheading to that stage (it keeps "Related" over an article's last
# section), but never a lead sentence.
# A section's generic name standing alone ("Introduction", "Table of contents") says nothing
# about the article either: a teaser cut after its first heading is all a feed may carry.
_BARE_LABEL = re.compile(
    r"^(?:read more|related|see also|more on this story|watch|listen|continue reading"
    r"|introduction|intro|overview|summary|contents|table of contents|in this article)"
    r"[\s.:!|]*$",
    re.IGNORECASE,
)
_CLOSING_QUOTES = "\"'\u201d\u2019\u00bb)]"
_SENTENCE_END = (".", "!", "?", "\u2026")
# "Editor's note: Jane Smith is a professor ... The views expressed are her own." (a note about
# the article, before it), "EDITOR'S NOTE \u2014 This story has been updated ..."
_EDITORS_NOTE = re.compile(
    r"^[(\[]?\s*editor(?:['\u2019]?s|s['\u2019])?\s+note\s*(?::|\u2014|\u2013|--|-)",
    re.IGNORECASE,
)
# A box of labelled facts, as reviews and profiles open with ("Director: Ana Ruiz. Starring:
# Lena Holt, Marco Bell. 112 mins.", "Price: $799 | Battery: 4,500 mAh"): two fields or more,
# each a short label and a colon at the start of the paragraph or after a full stop, a bar, a
# semicolon or a line break. Facts, not the article's opening; but what an article has when
# it has nothing else (a short item, or prose with a rhetorical colon or two: "The verdict:
# guilty. The sentence: life."), as a heading-like line is.
_FACT_FIELD = re.compile(
    r"(?:^|(?<=[.;|\u00b7\u2022\n])\s*)[^\W\d_][\w'\u2019-]*(?: [\w'\u2019-]+){0,2}:\s+\S"
)
_FACT_BOX_CHARS = 300
# A paragraph this short whose last sentence is a credit is a caption ("Rescue workers search
# the rubble in Antakya. Photograph: Umit Bektas/Reuters"); a longer one is the article's.
_CAPTION_CHARS = 400
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|\s(?:--|[\u2014\u2013-])(?=\s)")


def lead_sentences(
    paragraphs: Sequence[Paragraph],
    count: int = 3,
    max_chars: int = 600,
    language: str | None = None,
) -> tuple[str, ...]:
    """The first ``count`` prose sentences of the body, joined length at most ``max_chars``.

    Headings, bylines, dateline-only and timestamp lines, photo credits and captions, bare
    links, signatures, a section's generic name and boilerplate are skipped, and so are short
    unpunctuated body lines (headings the extractor missed) and boxes of labelled facts,
    unless the body has nothing else; a leading dateline is cut from the first sentence. At
    least one sentence is returned when the body has any prose: if the first alone exceeds the
    budget it is cut at a word boundary and ends in an ellipsis. ``max_chars`` <= 0 means no
    budget. ``language``: the text's BCP 47 tag, when known, for splitting its sentences
    (``digest.text.sentences``).
    """
    if language is None:
        return _lead_sentences(paragraphs, count, max_chars, iter_sentences)
    return _lead_sentences(
        paragraphs, count, max_chars, lambda text: iter_sentences(text, language)
    )


def _lead_sentences(
    paragraphs: Sequence[Paragraph],
    count: int,
    max_chars: int,
    split: Callable[[str], Iterable[str]],
    lists: dict[int, bool] | None = None,
) -> tuple[str, ...]:
    if count < 1:
        return ()
    budget = max_chars if max_chars > 0 else None
    taken: list[str] = []
    seen: set[str] = set()
    used = 0
    after_bare_byline = False
    # the first heading-like body line or box of facts, used only when there is no prose at all
    fallback = ""
    # a list of time marks (a video's chapters, an episode's show notes) is a table of
    # contents, never the lead: "01:42 Why not just close it?" reads as a sentence
    chapters = timestamp_list([paragraph.text for paragraph in paragraphs])
    items = _list_items(paragraphs) if lists is None else lists
    for position, paragraph in enumerate(paragraphs):
        if paragraph.kind != "body" or position in chapters:
            continue
        text = _TRAILING_TAGS.sub("", paragraph.text.strip())
        item = items.get(position)
        if item is not None:
            # A list's item is read without its bullet, which is junk's too ("- Photo: ...").
            text = text[len(list_marker(text)) :]
        if not text or _is_junk_paragraph(text):
            after_bare_byline = False
            continue
        if item:
            # An item of a list of sentences (release notes' "- Fixed crash when ...") is
            # one of them, never a heading, however short, nor a signature: it ends as one
            # (in place of the comma or semicolon an item that goes on a sentence ends with:
            # "--run, which runs the command given;")
            if not text.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END):
                text = text.rstrip(" ,;:") + "."
        elif _is_fact_box(text):
            if not fallback:
                fallback = " ".join(text.split())
            after_bare_byline = False
            continue
        elif _looks_like_heading(text):
            if not fallback:
                line = _strip_dateline(" ".join(text.split()))
                fallback = "" if _is_junk_sentence(line) else line
            after_bare_byline = False
            continue
        sentences: Iterable[str] = split(text)
        if len(text) <= _CAPTION_CHARS:
            sentences = list(sentences)
            if len(sentences) > 1 and _is_credit(" ".join(sentences[-1].split())):
                after_bare_byline = False
                continue
        for sentence in sentences:
            sentence = " ".join(sentence.split())
            if not taken:
                sentence = _strip_dateline(sentence)
            if after_bare_byline:
                # "By . Jane Doe . and Reuters . PUBLISHED: ..." (the raw Daily Mail layout):
                # the names follow a byline that was split off on its own.
                if names_only(sentence):
                    continue
                after_bare_byline = False
            if _is_junk_sentence(sentence):
                m = _BYLINE.match(sentence)
                after_bare_byline = m is not None and not _HAS_LETTER.search(m.group(1))
                continue
            key = _dedupe_key(sentence)
            if key in seen:
                continue
            extra = len(sentence) + (1 if taken else 0)
            if budget is not None and used + extra > budget:
                if not taken:
                    taken.append(_truncate(sentence, budget))
                return tuple(taken)
            seen.add(key)
            taken.append(sentence)
            used += extra
            if len(taken) >= count:
                return tuple(taken)
    if not taken and lists is None and any(prose is False for prose in items.values()):
        # No prose but a list of short lines (a release's "- Fixed crash when importing a
        # track"): they are what the text says, before any heading-like line above them.
        whole = dict.fromkeys(items, True)
        return _lead_sentences(paragraphs, count, max_chars, split, lists=whole)
    if not taken and fallback:
        return (_truncate(fallback, budget) if budget else fallback,)
    return tuple(taken)


def _list_items(paragraphs: Sequence[Paragraph]) -> dict[int, bool]:
    """The positions of the body paragraphs that are the items of a list, two or more in a
    row opening with a bullet or a number ("- Fixed crash when ...", "* Added ...", "2. ..."),
    or one alone opening with a bullet ("• Fixed crash when ...", as an HTML list of one
    item is written: ``shapes.as_list_item``), each with whether its list is one of
    sentences: one of them ends as a sentence does. (A dash before one line alone signs a
    quotation, "- Jane Doe", or goes on a sentence; a figure opens one, "1. FC Köln won".)
    A list of sentences is read as prose, its first item first; in another (a list of
    links, a table of contents) the items are short lines, as headings are, and lead only
    a text with no prose besides them."""
    runs: list[list[int]] = [[]]
    for position, paragraph in enumerate(paragraphs):
        text = paragraph.text.strip()
        if paragraph.kind == "body" and is_list_item(text):
            runs[-1].append(position)
        elif runs[-1] and (paragraph.kind != "body" or text):
            runs.append([])
    items: dict[int, bool] = {}
    for run in runs:
        if len(run) < 2 and not (run and bulleted(paragraphs[run[0]].text.strip())):
            continue
        texts = [_TRAILING_TAGS.sub("", paragraphs[p].text.strip()) for p in run]
        prose = any(t.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END) for t in texts)
        items.update(dict.fromkeys(run, prose))
    return items


def summarise(article: Article, count: int = 3, max_chars: int = 600) -> Article:
    """``article`` with ``summary`` set to its lead sentences."""
    summary = lead_sentences(article.paragraphs, count, max_chars, article.language)
    return replace(article, summary=summary, summary_of=(count, max_chars))


def summarised(article: Article, count: int, max_chars: int) -> Article:
    """``article``, summarised again if its summary was made for other settings (a config
    changed since it was stored)."""
    if article.summary_of == (count, max_chars):
        return article
    return summarise(article, count, max_chars)


def derive_headline(
    paragraphs: Sequence[Paragraph], limit: int = HEADLINE_CHARS, language: str | None = None
) -> str:
    """A headline for an untitled article: its lead sentence as whole clauses of at most about
    ``limit`` characters, never cut mid-phrase (see ``digest.text.headlines``). Falls back to
    the first heading when the body has no prose; ``limit`` <= 0 means no limit.
    """
    lead = lead_sentences(paragraphs, count=1, max_chars=0, language=language)
    if lead:
        text = lead[0]
    else:
        headings = (p.text for p in paragraphs if p.kind == "heading" and p.text.strip())
        text = " ".join(next(headings, "").split())
    return sentence_headline(text, limit, language)


def _strip_dateline(sentence: str) -> str:
    # "By JANE DOE and JOHN ROE WASHINGTON (AP) — The Senate ...": an agency's byline in
    # capitals, run into the lead, goes before its dateline
    end = capitals_byline(sentence, _opens_dateline)
    if end is not None and end < len(sentence):
        sentence = sentence[end:].lstrip(" ,;|\u2013\u2014-")
    # "Updated 11/28/17: The fifth beta is out.": a status line run into the lead as its label
    # (a bare date there is the content's: "Jan 7th: I'll be on stage at ...")
    m = _LABEL_PREFIX.match(sentence)
    if m and _STATUS_START.match(m.group(1)) and _is_timestamp(m.group(1)):
        rest = sentence[m.end() :]
        if rest[:1].isupper():
            return rest
    # "[Premium Times] The ...": the publisher an aggregator credits before its item
    credit = credit_in_brackets(sentence)
    if credit:
        sentence = sentence[credit:]
    for pattern in (_DATELINE_AGENCY, _DATELINE_CAPS):
        m = pattern.match(sentence)
        if m:
            rest = sentence[m.end() :].lstrip()
            if not rest or not rest[0].islower():
                return rest
    return sentence


def _opens_dateline(text: str) -> bool:
    return _DATELINE_AGENCY.match(text) is not None or _DATELINE_CAPS.match(text) is not None


def _is_junk_paragraph(text: str) -> bool:
    return bool(
        _CREDIT_START.match(text)
        or _FILE_PHOTO.match(text)
        or _EDITORS_NOTE.match(text)
        or hashtags(text)
        or (len(text) < 400 and _CAPTION_END.search(text))
        # boilerplate the normalise stage would cut whole ("This website uses cookies ...
        # Learn more"), though no one of its sentences is boilerplate alone
        or (len(text) <= 400 and default_rules().standalone_match(text) is not None)
    )


def _is_fact_box(text: str) -> bool:
    return len(text) <= _FACT_BOX_CHARS and len(_FACT_FIELD.findall(text)) >= 2


def _is_credit(sentence: str) -> bool:
    """A photo credit standing as a sentence: "Photograph: Jane Doe/Reuters", "Foto: dpa"."""
    return bool(
        _CREDIT_START.match(sentence) or _FILE_PHOTO.match(sentence) or _CREDIT_ONLY.match(sentence)
    )


def _looks_like_heading(text: str) -> bool:
    """A short line with no closing punctuation: a subheading or title the extractor left as
    body text ("By the numbers", "What happens next")."""
    return (
        len(text) <= 100
        and not text.rstrip(_CLOSING_QUOTES).endswith((".", "!", "?", "\u2026"))
        and len(text.split()) <= 12
    )


def _is_junk_sentence(sentence: str) -> bool:
    if not _HAS_LETTER.search(sentence):
        return True  # "| .", "***", "10:32"
    if len(sentence) > 300:
        return False
    return bool(
        _is_byline(sentence)
        or _is_timestamp(sentence)
        or _CREDIT_START.match(sentence)
        or _FILE_PHOTO.match(sentence)
        or _CREDIT_ONLY.match(sentence)
        or _BARE_LABEL.match(sentence)
        or _BARE_URL.match(sentence)
        or _PLACEHOLDER.match(sentence)
        or hashtags(sentence)
        or _is_signature(sentence)
        or default_rules().standalone_match(sentence) is not None
    )


def _is_byline(sentence: str) -> bool:
    m = _BYLINE.match(sentence)
    if m is None:
        return False
    rest = _READING_TIME.sub("", _BRACKETED.sub("", m.group(1))).strip()
    if not rest:
        return True
    status = _BYLINE_STATUS.search(rest)
    if status is not None:
        # the names, then when: "Jane Doe | Published: February 15, 2026"
        names, when = rest[: status.start()], rest[status.end() :]
        return names_only(names) and _is_timestamp(when)
    return names_only(rest)


def _is_signature(sentence: str) -> bool:
    m = _SIGNATURE.match(sentence)
    if m is None or sentence.rstrip(_CLOSING_QUOTES).endswith((".", "!", "?", "\u2026")):
        return False  # a line of dialogue ("\u2014 Yes, Minister.") is a sentence
    return m.group(1).startswith("@") or names_only(m.group(1))


def _is_timestamp(sentence: str) -> bool:
    """'Published 10:32 GMT, 3 March 2024', 'Updated: Tue 4 June', 'March 3, 2024'."""
    status = _STATUS_START.match(sentence) is not None
    if not status and not _DIGIT.search(sentence):
        return False
    has_number = False
    for m in _WORD.finditer(sentence.lower()):
        word = m.group()
        if _ORDINAL_OR_NUMBER.fullmatch(word):
            has_number = True
        elif word not in _DATE_WORDS and word not in _STATUS_WORDS:
            return False
    return status or has_number


def _dedupe_key(sentence: str) -> str:
    return sentence.casefold().rstrip(".!?\u2026\"'\u201d\u2019 ")


def _truncate(sentence: str, budget: int) -> str:
    return sentence if len(sentence) <= budget else _cut(sentence, budget, prefer_clause=False)


def _cut(text: str, limit: int, *, prefer_clause: bool) -> str:
    """``text`` cut to at most ``limit`` characters including the closing ellipsis."""
    room = max(limit - 1, 1)
    window = text[: room + 1]  # a boundary right at ``room`` still counts
    cut = -1
    if prefer_clause:
        for m in _CLAUSE_BREAK.finditer(window):
            if limit * 0.5 <= m.start() <= room:
                cut = m.start()
    if cut < 0:
        cut = window.rfind(" ", 0, room + 1)
    if cut <= 0:
        cut = room
    head = text[:cut].rstrip(" ,;:\u2014\u2013-")
    return (head or text[:room]) + ELLIPSIS


# ---------------------------------------------------------------------------------------------
# Story summaries: several reports of one event, each fact once


# Two sentences this similar say the same thing. Similarity here weighs a word by how rare it
# is in the language *and* within the story: the names every report of an event repeats say
# nothing new, so two sentences about the same people can still carry different facts.
PARAPHRASE_SIMILARITY = 0.5
# A sentence whose weight is mostly in words the summary already has adds nothing: this is
# the most of its (squared, normalised) weight that may be covered already.
MAX_COVERED = 0.5
# A sentence of another report than the first is about the story when it shares this many
# content words (names, places, what happened) with the other reports' sentences: "U.S. and
# Iran are set for nuclear talks" shares none with the reports of a death.
ABOUT_THE_STORY = 2
# MMR: relevance against redundancy. High: coverage of the story; low: novelty.
_MMR_LAMBDA = 0.7
# How many opening sentences of each other report are candidates.
_CANDIDATES_PER_REPORT = 5
# A sentence that opens by pointing back ("This comes as...", "The conversation...", "He
# added...") leans on the sentence before it in its own report: out of place elsewhere.
_LEANS_BACK = re.compile(
    r"^(?:this|that|these|those|it|its|he|she|they|his|her|their|the\s+\w+\s+(?:said|added)|"
    r"the\s+(?:conversation|move|decision|comment|comments|remarks|statement|announcement|"
    r"incident|attack|call|meeting|deal|report|plan|bill|vote|news)|"
    r"but|and|also|meanwhile|however|still|yet|so|then|later|earlier)\b",
    re.IGNORECASE,
)


def story_summary(
    reports: Sequence[Article],
    count: int = 3,
    max_chars: int = 600,
    languages: Sequence[str] = ("en",),
    max_words: int | None = None,
) -> tuple[Attributed, ...]:
    """A summary of one story from its reports (the most complete first), each fact once.

    It opens with the first report's lead sentence, then takes sentences by maximal
    marginal relevance (MMR) from the first report's lead and the opening sentences of the
    others: a sentence's relevance is how central it is to what all the reports say, plus a
    bonus for coming early in its report and for coming from the first report; its
    redundancy is its highest similarity to a sentence already chosen, with words that the
    whole story repeats (its names, its place) weighing little. A sentence that paraphrases
    a chosen one (``PARAPHRASE_SIMILARITY``), that says mostly what the summary says
    (``MAX_COVERED``), or that leans on the sentence before it in another report, is never
    taken, nor is one in another language than the opening's, nor one of another report that
    shares fewer than ``ABOUT_THE_STORY`` content words with the other reports' sentences
    (not about the story: a briefing's sentence on another event). At most ``count`` sentences
    within ``max_chars`` (<= 0: no budget) and, when given, ``max_words``: a lead sentence
    longer than that alone is cut at a word and ends in an ellipsis. The first report's
    sentences keep their order, and the others follow in the order chosen; a story of one
    report is its lead.
    """
    from digest.text.similarity import story_weighted_dense, vectorise_dense_with_reach

    if not reports:
        return ()
    if max_words is None and reports[0].summary:
        first: Sequence[str] = reports[0].summary
    else:
        first = lead_sentences(
            reports[0].paragraphs, max(count, _CANDIDATES_PER_REPORT), 0, reports[0].language
        )
    budget = max_chars if max_chars > 0 else None
    if len(reports) == 1:
        return tuple(Attributed(text, 0) for text in _in_order(first, count, budget, max_words))
    candidates: list[tuple[str, int, int]] = [(text, 0, k) for k, text in enumerate(first)]
    for index, report in enumerate(reports[1:], start=1):
        sentences = lead_sentences(report.paragraphs, _CANDIDATES_PER_REPORT, 0, report.language)
        candidates.extend(
            (text, index, k)
            for k, text in enumerate(sentences)
            if k == 0 or not _LEANS_BACK.match(text)
        )
    if not candidates:
        return ()
    opening = candidates[0][0]
    if _cut_to_fit(opening, budget, max_words) != opening:
        return (Attributed(_cut_to_fit(opening, budget, max_words), candidates[0][1]),)
    # a story's candidates are a few dozen sentences: dense arrays are faster than sparse ones
    vectors, reach = vectorise_dense_with_reach(
        [text for text, _, _ in candidates],
        languages,
        [reports[report].language for _, report, _ in candidates],
    )
    centrality = (vectors @ vectors.T).mean(axis=1)
    distinct = story_weighted_dense(vectors)
    similarity = distinct @ distinct.T
    squared = distinct * distinct
    relevance = [
        centrality[i] + 0.3 / (1 + position) + (0.25 if report == 0 else 0.0)
        for i, (_, report, position) in enumerate(candidates)
    ]
    chosen: list[int] = [0]  # the first report's lead sentence always opens the summary
    covered = distinct[0] > 0
    used = len(candidates[0][0])
    words = len(candidates[0][0].split())
    remaining = set(range(1, len(candidates)))
    # A sentence of another report is about the story only if it shares words with what
    # the story's other reports say: a briefing that joins this event to another ("X has
    # died. And, Y") carries a sentence on the other, which no other report echoes.
    remaining -= set(_off_the_story(vectors, [report for _, report, _ in candidates]))
    if reach.known[0]:
        # A summary reads in one language, its opening's. A sentence in another shares only
        # names with the chosen ones, so it never looks redundant: an English summary of an
        # earthquake went on to tell it again in Spanish and German. Its report stays among
        # the story's sources. (A sentence whose language is only taken for the default, its
        # words not telling, may well be in the opening's, and stays a candidate.)
        remaining -= {
            i for i in remaining if reach.known[i] and reach.language[i] != reach.language[0]
        }
    while len(chosen) < count and remaining:
        best, best_score = None, -1e9
        for i in sorted(remaining):
            redundancy = float(similarity[i, chosen].max())
            if redundancy >= PARAPHRASE_SIMILARITY:
                continue
            if float(squared[i, covered].sum()) > MAX_COVERED:
                continue
            text = candidates[i][0]
            if budget is not None and used + 1 + len(text) > budget:
                continue
            if max_words is not None and words + len(text.split()) > max_words:
                continue
            score = _MMR_LAMBDA * relevance[i] - (1 - _MMR_LAMBDA) * redundancy
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        remaining.discard(best)
        covered |= distinct[best] > 0
        used += 1 + len(candidates[best][0])
        words += len(candidates[best][0].split())
    ordered = sorted((i for i in chosen if candidates[i][1] == 0), key=lambda i: candidates[i][2])
    ordered += [i for i in chosen if candidates[i][1] != 0]
    return tuple(Attributed(candidates[i][0], candidates[i][1]) for i in ordered)


def _off_the_story(vectors: np.ndarray, reports: Sequence[int]) -> list[int]:
    """The candidates (rows of ``vectors``, one per sentence, of the report ``reports`` says)
    not of the first report that share fewer than ``ABOUT_THE_STORY`` content words with the
    sentences of every report but their own."""
    import numpy as np

    words = vectors > 0
    owner = np.asarray(reports)
    found = []
    for report in sorted(set(reports) - {0}):
        others = words[owner != report].any(axis=0)
        for i in np.flatnonzero(owner == report).tolist():
            if int((words[i] & others).sum()) < ABOUT_THE_STORY:
                found.append(i)
    return found


def _in_order(
    sentences: Sequence[str], count: int, budget: int | None, max_words: int | None
) -> list[str]:
    """The first of ``sentences`` that fit ``count``, ``budget`` (characters) and
    ``max_words``; the first alone is cut to fit, as ``lead_sentences`` cuts it."""
    taken: list[str] = []
    used = words = 0
    for text in sentences[: max(count, 0)]:
        extra = len(text) + (1 if taken else 0)
        over = (budget is not None and used + extra > budget) or (
            max_words is not None and words + len(text.split()) > max_words
        )
        if over:
            if not taken:
                taken.append(_cut_to_fit(text, budget, max_words))
            break
        taken.append(text)
        used += extra
        words += len(text.split())
    return taken


def _cut_to_fit(sentence: str, budget: int | None, max_words: int | None) -> str:
    """``sentence``, or its opening words and an ellipsis when it exceeds ``max_words`` words
    or ``budget`` characters."""
    if max_words is not None and len(sentence.split()) > max_words:
        head = " ".join(sentence.split()[: max(max_words, 1)])
        sentence = head.rstrip(" ,;:\u2014\u2013-") + ELLIPSIS
    if budget is not None and len(sentence) > budget:
        sentence = _truncate(sentence, budget)
    return sentence
