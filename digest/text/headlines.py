"""Headlines: a sentence made into one, an SEO title cleaned, the clearest of several chosen.

**From a sentence** (an article without a title): the lead sentence, shortened to a *whole
clause* of at most about ``HEADLINE_CHARS`` characters without an ellipsis. Shortening first
drops what a sub-editor would (an opening "Still," or "However,", a parenthesis, a
non-restrictive relative clause: ", which made landfall on Monday,", a closing attribution:
", officials said Tuesday"); then, if the sentence is still too long, it is cut before a
subordinate clause ("as", "after", "while" ...) or at clause punctuation, and only as a last
resort before a prepositional phrase ("... talks | with representatives of ..."). A cut never
leaves a dangling article, preposition or conjunction at the end.

**SEO cruft** in a title: a site name after a separator ("... | Example News", "... - Example
News"), a wire's or a live page's flag before it ("UPDATE 2-...", "BREAKING: ...", "LIVE: ..."),
and a keyword-stuffed lead-in before a colon ("Maduro Venezuela US Talks 2026: ..."): a run of
capitalised keywords with a year and no verb or function word.

**Choosing** among the titles of a story's reports: a real headline beats one derived from a
sentence, a plain headline beats a keyword-stuffed or flagged one, one that tells beats one
that asks (an explainer's "Why is ...?", a review's "... the phone to beat?"), and a headline
of news length beats a very short or very long one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

HEADLINE_CHARS = 90

_CLOSING = "\"'\u201d\u2019\u00bb)]"
_TRAILING_PUNCT = re.compile(r"[\s.!?;:,\u2026\u2014\u2013-]+(?=[\"'\u201d\u2019\u00bb)\]]*$)")
_ENDS_WITH_INITIALISM = re.compile(r"\b(?:[^\W\d_]\.){2,}[\"'\u201d\u2019\u00bb)\]]*$")

# Openers a headline drops ("Still, the committee voted ..." → "The committee voted ...").
_DISCOURSE_OPENERS = re.compile(
    r"^(?:still|however|meanwhile|now|but|and|so|also|yet|instead|indeed|in fact|"
    r"in addition|moreover|furthermore|separately|earlier|later|overall)\s*,?\s+(?=\S)",
    re.IGNORECASE,
)
# A non-restrictive relative clause or aside between commas or dashes, and a parenthesis.
_ASIDE = re.compile(
    r",\s+(?:which|who|whose|whom|where)\b[^,;:()\u2014]*,(?=\s)"
    r"|\s+[\u2014\u2013]\s+[^\u2014\u2013]{3,80}?\s+[\u2014\u2013](?=\s)"
    r"|\s*\([^()]{1,80}\)",
    re.IGNORECASE,
)
# Verbs that report what someone said: a headline is cut after one, never before it.
_REPORTING = (
    r"(?:said|says|told|reported|announced|added|confirmed|warned|wrote|stated|claimed|"
    r"noted|revealed|insisted|argued|explained)"
)
# An aside between the subject and its reporting verb: "Officials in Kherson, a city in
# southern Ukraine, said ...", "Researchers at the University of California, Berkeley, said".
_APPOSITIVE = re.compile(rf",\s+[^,;:()]{{1,60}},(?=\s+{_REPORTING}\b)", re.IGNORECASE)
# What follows a cut that would leave only the subject of a reporting verb: the verb itself,
# after an aside or a place ("A spokesman for the ministry | in London, Colonel James Hart,
# said ..."). Matched where the cut falls.
_SUBJECT_ONLY = re.compile(
    r"(?:\s+(?:of|in|at|for|from|on|with|near|to)\s+[^,;:]{1,60}?)?"
    rf"(?:,\s+[^,;:]{{1,80}},)?\s+{_REPORTING}\b",
    re.IGNORECASE,
)
# A closing attribution: ", officials said Tuesday", ", according to the ministry".
_ATTRIBUTION = re.compile(
    r",\s+(?:(?:[\w.'\u2019-]+\s+){1,5}(?:said|says|told|reported|announced|added|confirmed)"
    r"(?:\s+(?:on\s+)?[\w.'\u2019-]+){0,3}|according\s+to\s+[^,;]{2,60})$",
    re.IGNORECASE,
)
# Where a clause may end. Strong: clause punctuation, or a subordinate clause starts.
_STRONG_BREAK = re.compile(
    r"(?:[,;:](?=\s)|\s(?:--|[\u2014\u2013-])(?=\s))"
    r"|\s(?=(?:as|after|before|while|when|whereas|because|since|although|though|amid|"
    r"despite|following|until|unless|even\s+as|even\s+though|so\s+that|but|which|who|"
    r"where)\s)",
    re.IGNORECASE,
)
# Weak: a prepositional phrase starts.
_WEAK_BREAK = re.compile(
    r"\s(?=(?:with|for|in|on|at|from|over|into|against|near|during|under|without|between|"
    r"across|through|toward|towards|about|by|of)\s)",
    re.IGNORECASE,
)
# Words a headline may not end on.
_DANGLING = frozenset(
    """\
    a an the and or but nor so yet as at by for from in into of on onto to with without
    over under about after before between through during against near than that which who
    whom whose where when while if because since although though is are was were be been
    being has have had do does did will would shall should can could may might must his her
    its their our your my this these those its said says told announced confirmed added
    reported warned stated claimed noted revealed insisted argued explained wrote""".split()  # noqa: SIM905
)
# The shortest clause worth a headline, as a share of the limit.
_MIN_SHARE = 0.4
# Asides inside asides removed, at most this deep.
_ASIDE_DEPTH = 8
# What a clause cut at a break may end with, and loses.
_CUT_AT_END = " ,;:\u2014\u2013-"
# Text with no word boundary this far (times the limit) is not prose and is cut hard.
_HARD_LIMIT = 2.5


def sentence_headline(sentence: str, limit: int = HEADLINE_CHARS) -> str:
    """``sentence`` as a headline: whole clauses only, at most about ``limit`` characters.

    A question or exclamation keeps its mark; a closing full stop goes. ``limit`` <= 0 means
    no limit. If no clause fits, the shortest whole clause is returned, however long.
    """
    text = " ".join(sentence.split())
    asks = text.rstrip(_CLOSING).endswith(("?", "!"))
    if asks:
        text = re.sub(r"([?!])[?!]+(?=[^?!]*$)", r"\1", text)
    elif not _ENDS_WITH_INITIALISM.search(text):
        text = _TRAILING_PUNCT.sub("", text)
    text = text.strip()
    if limit <= 0 or len(text) <= limit:
        return text
    shorter = _without_asides(text)
    if len(shorter) <= limit:
        return shorter
    for pattern in (_STRONG_BREAK, _WEAK_BREAK):
        cut = _best_cut(shorter, pattern, limit)
        if cut:
            return cut
    # Nothing fits: the first whole clause, even if long, rather than a phrase cut in half.
    head = _first_clause(shorter, limit * _MIN_SHARE)
    if head:
        return head
    hard = int(_HARD_LIMIT * limit)
    if len(shorter) > hard and " " not in shorter[:hard]:
        # Not prose at all (a URL, a string of symbols): it still has to fit on a line.
        return shorter[: hard - 1] + "\u2026"
    return shorter


def _without_asides(text: str) -> str:
    opened = _DISCOURSE_OPENERS.sub("", text, count=1)
    if opened != text:
        text = opened[:1].upper() + opened[1:]
    for _ in range(_ASIDE_DEPTH):  # an aside inside an aside goes once the inner one has
        text, found = _ASIDE.subn("", text)
        if not found:
            break
    text = _ATTRIBUTION.sub("", text)
    text = _APPOSITIVE.sub("", text)
    return " ".join(text.split())


def _best_cut(text: str, pattern: re.Pattern[str], limit: int) -> str | None:
    best = None
    for match in pattern.finditer(text):
        if match.start() > limit:
            break
        if _SUBJECT_ONLY.match(text, match.start()):
            continue  # "Officials in Kherson | , a city in southern Ukraine, said ..."
        head = _clean_end(text[: match.start()])
        if head and len(head) >= limit * _MIN_SHARE and len(head) <= limit:
            best = head
    return best


def _first_clause(text: str, shortest: float) -> str | None:
    """The first head of ``text`` before a strong break that ``_clean_end`` keeps and that is at
    least ``shortest`` long, found in one pass: what ``_clean_end`` looks at (the brackets and
    quotes so far, the last word, the third word) is carried from break to break instead of
    measured again from the start of a sentence that may hold thousands of commas.
    ``text`` is single-spaced, as ``sentence_headline`` makes it."""
    first_space = text.find(" ")
    second_space = text.find(" ", first_space + 1) if first_space >= 0 else -1
    counts = dict.fromkeys('()\u201c\u201d"', 0)
    seen = solid = 0  # text[:seen] is counted; text[:solid] is text[:seen] without its end
    last_word = ""
    for match in _STRONG_BREAK.finditer(text):
        segment = text[seen : match.start()]
        for mark in counts:
            counts[mark] += segment.count(mark)
        kept = len(segment.rstrip(_CUT_AT_END))
        if kept:
            solid = seen + kept
            last_word = text[text.rfind(" ", 0, solid) + 1 : solid]
        seen = match.start()
        if (
            solid >= shortest
            and not _SUBJECT_ONLY.match(text, match.start())
            and 0 <= second_space < solid  # three words or more
            and last_word.lower().strip(_CLOSING) not in _DANGLING
            and counts["("] == counts[")"]
            and counts["\u201c"] == counts["\u201d"]
            and counts['"'] % 2 == 0
        ):
            return text[:solid]
    return None


def _clean_end(text: str) -> str | None:
    """``text`` without trailing punctuation, or None if it ends on a dangling word or an
    unclosed bracket or quote."""
    text = text.rstrip(_CUT_AT_END)
    words = text.split()
    if len(words) < 3 or words[-1].lower().strip(_CLOSING) in _DANGLING:
        return None
    if text.count("(") != text.count(")") or text.count("\u201c") != text.count("\u201d"):
        return None
    if text.count('"') % 2:
        return None
    return text


# ---------------------------------------------------------------------------------------------
# SEO cruft

_SEPARATORS = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|\u00b7|\u2022)\s+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FUNCTION_WORDS = frozenset(
    """a an the and or but of to in on at for with from by as is are was were be has have
    had will would can could may might says said after before over amid into about than
    that this its his her their what why how who der die das und von zu le la les et des du
    el los las y del en""".split()  # noqa: SIM905
)


# A flag a wire, a live page or a video page puts before its headline: "UPDATE 2-ECB cuts
# rates", "BREAKING: Fire on metro train", "LIVE: ...", "Watch: ...". It says how the page
# is made, not what happened. (A hyphenated wire slug is in capitals: "Update-ready" stays.)
_FLAG = re.compile(
    r"^(?:(?:UPDATE|WRAPUP|REFILE|CORRECTED|EXCLUSIVE|FACTBOX|BREAKINGVIEWS)(?:\s+\d+)?\s*-\s*"
    r"|(?i:breaking(?:\s+news)?|live(?:\s+updates?)?|watch|video|just\s+in|updated?)\s*:\s+)"
)


def strip_cruft(title: str, site_names: Sequence[str] = ()) -> str:
    """``title`` without a trailing (or leading) site name, a wire's or a live page's flag
    ("UPDATE 2-", "BREAKING:") and a keyword-stuffed lead-in."""
    text = " ".join(title.split())
    text = _strip_site_name(text, site_names)
    flag = _FLAG.match(text)
    if flag and len(text[flag.end() :].split()) >= 3:
        rest = text[flag.end() :]
        text = rest[:1].upper() + rest[1:]
    head, sep, rest = text.partition(": ")
    if sep and _is_keyword_stuffed(head) and len(rest.split()) >= 3:
        text = rest[:1].upper() + rest[1:]
    return text


def _site_words(part: str) -> list[str]:
    words = _NAME_WORD.findall(part.casefold())
    return words[1:] if words[:1] == ["www"] else words


def _is_site(part: str, names: set[str]) -> bool:
    # The part starts with a name in whole words: "BBC News Online" and "bbc.co.uk" are
    # the site "bbc", but "April sales disappoint" is not the site "AP".
    words = _site_words(part)
    return any("".join(words[:n]) in names for n in range(1, len(words) + 1))


# A part of a title this short beside the site's name is a section ("World | Example News").
_SECTION_WORDS = 2


def _strip_site_name(text: str, site_names: Sequence[str]) -> str:
    separators = list(_SEPARATORS.finditer(text))
    if not separators:
        return text
    names = {_fold(n) for n in site_names if _fold(n)}

    def is_site(part: str) -> bool:
        return _is_site(part, names)

    last = separators[-1]
    head, tail = text[: last.start()], text[last.end() :]
    # A pipe almost always separates the site's name; a dash only when the name is known.
    piped = last.group().strip() == "|" and len(tail.split()) <= 5
    if len(head.split()) >= 3 and (piped or is_site(tail)):
        if len(separators) > 1:
            # "... | World | Example News", "... - World - Example News": the section goes too
            before = separators[-2]
            section = text[before.end() : last.start()]
            if (
                before.group().strip() == last.group().strip()
                and len(section.split()) <= _SECTION_WORDS
                and len(text[: before.start()].split()) >= 3
            ):
                return text[: before.start()]
        return head
    first = separators[0]
    lead, rest = text[: first.start()], text[first.end() :]
    if len(rest.split()) >= 3 and is_site(lead):
        return rest
    return text


def site_names_for(source: str, url: str | None) -> tuple[str, ...]:
    """Names a site may put in its titles: the source's name and the first label of the
    host ("bbc" for www.bbc.co.uk, which "BBC News" starts with)."""
    names = [source]
    if url:
        from urllib.parse import urlsplit

        host = (urlsplit(url).hostname or "").removeprefix("www.")
        label = host.split(".")[0]
        if len(label) >= 3:
            names.append(label)
    return tuple(names)


_NAME_WORD = re.compile(r"[^\W_]+")


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold().removeprefix("www."))


# A lead-in needs this many keywords besides its year to be stuffing: "Best Budget Laptops
# 2026" names what the article is about; a string of four or more names does not.
_MIN_STUFFED_WORDS = 4


def _is_keyword_stuffed(text: str) -> bool:
    """A run of capitalised keywords with a year and no function word: "Maduro Venezuela US
    Talks 2026"."""
    words = text.split()
    if (
        not _YEAR.search(text)
        or len([w for w in words if not _YEAR.fullmatch(w)]) < _MIN_STUFFED_WORDS
    ):
        return False
    if any(w.lower() in _FUNCTION_WORDS for w in words):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() for w in words)


def is_seo_title(title: str, site_names: Sequence[str] = ()) -> bool:
    """True when ``title`` carries SEO cruft that ``strip_cruft`` would remove."""
    return strip_cruft(title, site_names) != " ".join(title.split())


# ---------------------------------------------------------------------------------------------
# Choosing


@dataclass(frozen=True)
class Candidate:
    """A headline on offer: a report's title, and whether it was derived from its text."""

    title: str
    derived: bool = False
    site_names: tuple[str, ...] = ()


def _only_site(title: str, site_names: Sequence[str]) -> bool:
    """Whether ``title`` is the site's name alone or beside a section ("Example News",
    "World | Example News", "Example News - Home")."""
    names = {_fold(n) for n in site_names if _fold(n)}
    if not names:
        return False
    parts = [p for p in _SEPARATORS.split(" ".join(title.split())) if p.strip()]
    exact = ["".join(_site_words(p)) in names for p in parts]
    return any(exact) and all(
        is_name or len(p.split()) <= _SECTION_WORDS for p, is_name in zip(parts, exact, strict=True)
    )


def headline_score(candidate: Candidate) -> float:
    """Higher is clearer. Real beats derived; plain beats stuffed; news length beats extremes."""
    title = candidate.title
    if not title.strip():
        return float("-inf")
    score = 1.0
    if candidate.derived:
        score -= 0.3
    if is_seo_title(title, candidate.site_names):
        score -= 0.5
    if _only_site(title, candidate.site_names):
        score -= 1.0  # "World | Example News": the page's name, not the story's
    length = len(strip_cruft(title, candidate.site_names))
    if length < 25:
        score -= 0.2
    elif length > 110:
        score -= 0.2 + min((length - 110) / 200, 0.3)
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        score -= 0.3  # SHOUTING
    if "?" in title:
        score -= 0.3  # "Why is Paris targeting SUVs?": a headline that asks tells less
    return score


def choose_headline(candidates: Sequence[Candidate]) -> str:
    """The clearest headline among ``candidates`` (the first wins a tie), cruft stripped."""
    best = max(
        enumerate(candidates), key=lambda pair: (headline_score(pair[1]), -pair[0]), default=None
    )
    if best is None:
        return ""
    chosen = best[1]
    return strip_cruft(chosen.title, chosen.site_names)
