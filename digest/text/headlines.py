"""Headlines: a sentence made into one, an SEO title cleaned, the clearest of several chosen.

**From a sentence** (an article without a title): the lead sentence, shortened to a *whole
clause* of at most about ``HEADLINE_CHARS`` characters without an ellipsis. Shortening first
drops what a sub-editor would (an opening "Still," or "However,", a parenthesis, a
non-restrictive relative clause: ", which made landfall on Monday,", a closing attribution:
", officials said Tuesday"); then, if the sentence is still too long, it is cut before a
subordinate clause ("as", "after", "while" ...) or at clause punctuation, and only as a last
resort before a prepositional phrase ("... talks | with representatives of ..."). A cut never
leaves a dangling article, preposition or conjunction at the end, nor the subject alone ("La
alcaldesa de Valencia, Marta Ruiz"). The words these rules use are the sentence's language's
(``lexicon.toml``'s ``[headlines]``); in a language whose verbs close the clause (German,
Dutch) nothing is cut before a preposition, which would leave a clause without its verb.

**SEO cruft** in a title: a site name after a separator ("... | Example News", "... - Example
News") or in brackets before it ("[allAfrica] ...", "[Reuters] ...": never a label of the
post, "[PDF]", nor its topic, "[Node.js]"), a wire's or a live page's flag before it
("UPDATE 2-...", "BREAKING: ...", "LIVE: ..."), and a keyword-stuffed lead-in before a colon
("Maduro Venezuela US Talks 2026: ..."): a run of capitalised keywords with a year and no
verb or function word.

**Choosing** among the titles of a story's reports: a real headline beats one derived from a
sentence, a plain headline beats a keyword-stuffed or flagged one, one that tells beats one
that asks (an explainer's "Why is ...?", a review's "... the phone to beat?"), one event's
beats a briefing's that joins several ("X has died. And, Y", "Morning Briefing: X, Y and Z"),
and a headline of news length beats a very short or very long one.

**Shouting** (a title in capitals, "COUNCIL APPROVES NEW TRAM LINE TO HARBOUR") is written as
the article writes its words (``unshouted``): "Council approves new tram line to harbour",
each word as the text spells it inside a sentence, so that names and acronyms keep their
capitals ("NASA", "Artemis", "Straße").

**Paid posts** are told by a label where a title puts one ("[Sponsor] Acme: ...",
"Sponsored: ...", "... (Anzeige)") or by a feed's tag that is only one ("Sponsored"): the
build leaves them out unless the config keeps them (``digest.filters``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.model import own_title
from digest.text.words import without_accents

HEADLINE_CHARS = 90

_CLOSING = "\"'\u201d\u2019\u00bb)]"
_TRAILING_PUNCT = re.compile(r"[\s.!?;:,\u2026\u2014\u2013-]+(?=[\"'\u201d\u2019\u00bb)\]]*$)")
_ENDS_WITH_INITIALISM = re.compile(r"\b(?:[^\W\d_]\.){2,}[\"'\u201d\u2019\u00bb)\]]*$")

# The words these rules are made of are each language's, in lexicon.toml's [headlines]; only
# the shapes are here. ``_rules`` builds them once per language.
_UPPER = r"[^\W\d_a-z\u00df-\u00ff]"  # a capital letter, accented too ("Élysée")
_DETAIL_CHARS = r"[^,;:()]"


@dataclass(frozen=True)
class _Rules:
    openers: re.Pattern[str]  # "Still," or "However," at the start
    aside: re.Pattern[
        str
    ]  # a non-restrictive relative clause, an aside between dashes, a parenthesis
    appositive: re.Pattern[str]  # an aside between the subject and its reporting verb
    opening_appositive: re.Pattern[str]  # "Pedro Sánchez, presidente del Gobierno, defendió"
    no_cut: re.Pattern[str]  # what may not follow a cut: the subject's verb, a reported clause
    attribution: re.Pattern[str]  # a closing attribution
    strong: re.Pattern[str]  # where a clause may end
    weak: re.Pattern[str] | None  # where a prepositional phrase starts (None: never cut there)
    dangling: frozenset[str]  # words a headline may not end on
    conjunctions: frozenset[str]
    prepositions: frozenset[str]
    particles: frozenset[str]  # inside a name: "da", "von"
    pairs: frozenset[str]  # prepositions of a pair: "between"


def _rules(language: str | None, text: str) -> _Rules:
    """The rules for ``text`` in ``language`` (a BCP 47 tag), told from its function words if
    None; every language's words at once for a language the lexicon has no words for."""
    from digest.language import primary_subtag
    from digest.text.lexicon import lexicon

    known = lexicon().headline_words
    primary = primary_subtag(language)
    if primary is None:
        # A feed that declares no language: the sentence's own function words tell it
        # (as grouping tells an article's), most often. Imported here, with the lexicon:
        # only a sentence too long for a headline needs them.
        from digest.text.words import guess_language, words_of

        primary = guess_language(words_of(text), default="")
    return _built_rules(primary if primary in known else "")


@functools.cache
def _built_rules(language: str) -> _Rules:
    from digest.text.lexicon import HeadlineWords, any_of, lexicon

    lex = lexicon()
    words = lex.headline_words.get(language) or HeadlineWords.union(lex.headline_words.values())
    reporting = any_of(words.reporting)
    upper = _UPPER
    dangling = set(words.dangling) | words.conjunctions | words.complementizers
    if not words.verb_final:
        # In a verb-final clause these close it: a particle ("teilte ... mit"), the verb itself.
        dangling |= words.prepositions | words.relatives | words.articles
        dangling |= {w for w in words.subordinators | words.reporting if " " not in w}
        # Nor on the first words of a preposition of several: "grâce (au)", "debido (a)".
        dangling |= {w for p in words.prepositions for w in p.split()[:-1]}
    # An article ending in an apostrophe runs into its noun: "l'Élysée".
    article = rf"(?:{any_of(words.articles)})(?:\s+|(?<=['\u2019]))"
    return _Rules(
        openers=re.compile(rf"^(?:{any_of(words.openers)})\s*,?\s+(?=\S)", re.IGNORECASE),
        aside=re.compile(
            rf",\s+(?:{any_of(words.relatives)})\b{_not_infinitive(words.infinitive_marks)}"
            r"[^,;:()\u2014]*,(?=\s)"
            r"|\s+[\u2014\u2013]\s+[^\u2014\u2013]{3,80}?\s+[\u2014\u2013](?=\s)"
            r"|\s*\([^()]{1,80}\)",
            re.IGNORECASE,
        ),
        # "Officials in Kherson, a city in southern Ukraine, said ...", "Researchers at the
        # University of California, Berkeley, said".
        appositive=re.compile(
            rf",\s+{_DETAIL_CHARS}{{1,60}},(?=\s+(?:{reporting})\b)", re.IGNORECASE
        ),
        # The sentence's subject and an aside, one of them a name, then its verb: what a cut
        # after the aside would leave is the subject alone ("La alcaldesa de Valencia, Marta
        # Ruiz").
        opening_appositive=re.compile(
            rf"^(?P<subject>{_DETAIL_CHARS}{{2,60}}?),\s+(?P<aside>{_DETAIL_CHARS}{{2,60}}?),\s+"
            r"(?=(?P<next>[^\W\d_][\w'\u2019-]*))"
        ),
        # A cut that would leave only the subject of a reporting verb: the verb itself, after
        # an aside or a place ("A spokesman for the ministry | in London, Colonel James Hart,
        # said ..."); or only the speaker and the verb: a reported clause ("Der Bürgermeister
        # hat angekündigt | , dass ...").
        no_cut=re.compile(
            rf"(?:\s+(?:{any_of(words.prepositions)})\s+[^,;:]{{1,60}}?)?"
            rf"(?:,\s+[^,;:]{{1,80}},)?\s+(?:{reporting})\b"
            rf"|,?\s+(?:{any_of(words.complementizers)})(?:\b|(?<=['\u2019]))"
            # or a list of names, not a clause: "Frankfurt | , München und Hamburg"
            rf"|,\s+(?-i:(?:{upper}[\w'\u2019-]*\s+){{1,3}})(?:{any_of(words.conjunctions)})"
            rf"\s+(?-i:{upper})",
            re.IGNORECASE,
        ),
        # ", officials said Tuesday", ", según informó el ayuntamiento", ", a indiqué la
        # préfecture", ", wie das Unternehmen mitteilte", ", according to the ministry".
        attribution=re.compile(
            r",\s+(?:"
            rf"(?:[\w.'\u2019-]+\s+){{1,5}}(?:{reporting})(?:\s+(?:on\s+)?[\w.'\u2019-]+){{0,3}}"
            rf"|(?:{reporting})\s+(?:{article}|(?-i:(?={upper})))[^,;]{{1,60}}"
            rf"|(?:{any_of(words.as_reported)})\s+[^,;]{{0,100}}?\b(?:{reporting})\b[^,;]{{0,60}}"
            rf"|(?:{any_of(words.according)})\s+[^,;]{{2,60}}"
            r")$",
            re.IGNORECASE,
        ),
        strong=re.compile(
            r"(?:[,;:](?=\s)|\s(?:--|[\u2014\u2013-])(?=\s))"
            + (rf"|\s(?=(?:{any_of(words.subordinators)})\s)" if words.subordinators else ""),
            re.IGNORECASE,
        ),
        # Before a prepositional phrase, or before a conjunction that opens another clause
        # with its own subject ("closes on Friday | and the council wants ..."): of the cuts
        # that fit, the longest is taken, so the phrase a verb ends on ("closes | on Friday")
        # is kept when the sentence goes on past it.
        weak=None
        if words.verb_final
        else re.compile(
            rf"\s(?=(?:{any_of(words.prepositions)})\s)"
            rf"|\s(?=(?:{any_of(words.conjunctions)})\s+(?:{article}))",
            re.IGNORECASE,
        ),
        dangling=frozenset(dangling),
        conjunctions=words.conjunctions,
        prepositions=words.prepositions,
        particles=lex.name_particles,
        pairs=words.pairs,
    )


def _not_infinitive(marks: frozenset[str]) -> str:
    """A lookahead refusing a clause that ends in an infinitive marked by ``marks`` (see
    ``HeadlineWords.infinitive_marks``): ", das Rentenalter auf 68 Jahre anzuheben," is what
    was decided, not an aside on "das"."""
    from digest.text.lexicon import any_of

    before = any_of(m for m in marks if not m.startswith("-"))
    inside = any_of(m.strip("-") for m in marks if m.startswith("-"))
    ends = [rf"\b(?:{before})\s+[\w-]+" if before else "", rf"\w(?:{inside})\w+" if inside else ""]
    ends = [end for end in ends if end]
    if not ends:
        return ""
    return rf"(?![^,;:()\u2014]*?(?:{'|'.join(ends)}),)"


# The shortest clause worth a headline, as a share of the limit.
_MIN_SHARE = 0.4
# Asides inside asides removed, at most this deep.
_ASIDE_DEPTH = 8
# What a clause cut at a break may end with, and loses.
_CUT_AT_END = " ,;:\u2014\u2013-"
# Text with no word boundary this far (times the limit) is not prose and is cut hard.
_HARD_LIMIT = 2.5


def sentence_headline(
    sentence: str, limit: int = HEADLINE_CHARS, language: str | None = None
) -> str:
    """``sentence`` as a headline: whole clauses only, at most about ``limit`` characters.

    A question or exclamation keeps its mark; a closing full stop goes. ``limit`` <= 0 means
    no limit. If no clause fits, the shortest whole clause is returned, however long.
    ``language`` (a BCP 47 tag, the article's) picks the words that say where a clause may
    be cut; None: the sentence's function words tell.
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
    rules = _rules(language, text)
    shorter = _without_asides(text, rules)
    if len(shorter) <= limit:
        return shorter
    for pattern in (rules.strong, rules.weak):
        cut = _best_cut(shorter, pattern, limit, rules) if pattern else None
        if cut:
            return cut
    # Nothing fits: the first whole clause, even if long, rather than a phrase cut in half.
    head = _first_clause(shorter, limit * _MIN_SHARE, rules)
    if head:
        return head
    hard = int(_HARD_LIMIT * limit)
    if len(shorter) > hard and " " not in shorter[:hard]:
        # Not prose at all (a URL, a string of symbols): it still has to fit on a line.
        return shorter[: hard - 1] + "\u2026"
    return shorter


def _without_asides(text: str, rules: _Rules) -> str:
    opened = rules.openers.sub("", text, count=1)
    if opened != text:
        text = opened[:1].upper() + opened[1:]
    for _ in range(_ASIDE_DEPTH):  # an aside inside an aside goes once the inner one has
        text, found = rules.aside.subn("", text)
        if not found:
            break
    text = rules.attribution.sub("", text)
    text = rules.appositive.sub("", text)
    text = _without_opening_appositive(text, rules)
    return " ".join(text.split())


def _without_opening_appositive(text: str, rules: _Rules) -> str:
    """``text`` without the aside beside its subject when one of the two is a name and a
    word in lower case (the verb) follows: "Pedro Sánchez, presidente del Gobierno, defendió
    ..." → "Pedro Sánchez defendió ...". A list ("Tesla, Apple and Google, ...", "In Paris,
    London, and Berlin, ...") is left alone."""
    match = rules.opening_appositive.match(text)
    if not match:
        return text
    subject, aside, following = match.group("subject", "aside", "next")
    if not following[:1].islower() or following.lower() in rules.conjunctions:
        return text
    if subject.split()[0].lower() in rules.prepositions:
        return text  # "In London, Paris and Berlin, shops ...": a place, not a subject
    if any(w.lower() in rules.conjunctions for w in aside.split()):
        return text
    if not (_is_name(subject, rules) or _is_name(aside, rules)):
        return text
    return text[: match.end("subject")] + " " + text[match.end() :]


def _is_name(text: str, rules: _Rules) -> bool:
    """Whether ``text`` is a name: capitalised words and the particles between them."""
    words = text.split()
    return (
        bool(words)
        and words[0][:1].isupper()
        and words[-1][:1].isupper()
        and all(w[:1].isupper() or w.lower() in rules.particles for w in words)
    )


def _inside_name(text: str, at: int, rules: _Rules) -> bool:
    """Whether the preposition at ``at`` is a particle inside a name ("Banco | de España",
    "Ursula | von der Leyen", "Bank | of England"): a cut there halves the name."""
    before = text[:at].split()
    after = text[at:].split()
    if len(before) < 2 or not before[-1][:1].isupper() or after[0].lower() not in rules.particles:
        return False
    for word in after[1:3]:
        if word[:1].isupper():
            return True
        if word.lower() not in rules.particles:
            return False
    return False


def _inside_pair(text: str, at: re.Match[str], rules: _Rules) -> bool:
    """Whether the cut at ``at`` is before the conjunction of a pair ("between Nice | and
    the col"): the last preposition before it takes two objects, and a cut there halves it."""
    following = text[at.end() :].split(maxsplit=1)
    if not following or following[0].lower() not in rules.conjunctions:
        return False
    for word in reversed(text[: at.start()].split()):
        if word.lower() in rules.prepositions:
            return word.lower() in rules.pairs
    return False


def _best_cut(text: str, pattern: re.Pattern[str], limit: int, rules: _Rules) -> str | None:
    best = None
    for match in pattern.finditer(text):
        if match.start() > limit:
            break
        if rules.no_cut.match(text, match.start()):
            continue  # "Officials in Kherson | , a city in southern Ukraine, said ..."
        if pattern is rules.weak and (
            _inside_name(text, match.end(), rules) or _inside_pair(text, match, rules)
        ):
            continue
        head = _clean_end(text[: match.start()], rules)
        if head and len(head) >= limit * _MIN_SHARE and len(head) <= limit:
            best = head
    return best


def _first_clause(text: str, shortest: float, rules: _Rules) -> str | None:
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
    for match in rules.strong.finditer(text):
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
            and not rules.no_cut.match(text, match.start())
            and 0 <= second_space < solid  # three words or more
            and last_word.lower().strip(_CLOSING) not in rules.dangling
            and counts["("] == counts[")"]
            and counts["\u201c"] == counts["\u201d"]
            and counts['"'] % 2 == 0
        ):
            return text[:solid]
    return None


def _clean_end(text: str, rules: _Rules) -> str | None:
    """``text`` without trailing punctuation, or None if it ends on a dangling word or an
    unclosed bracket or quote."""
    text = text.rstrip(_CUT_AT_END)
    words = text.split()
    if len(words) < 3 or words[-1].lower().strip(_CLOSING) in rules.dangling:
        return None
    if text.count("(") != text.count(")") or text.count("\u201c") != text.count("\u201d"):
        return None
    if text.count('"') % 2:
        return None
    return text


# ---------------------------------------------------------------------------------------------
# Titles that name nothing


# A version, a tag or a number alone: a release feed's "v2.4.0", "2.4.0-rc.1", "Release 1.2",
# "4.2.0 beta", "2.0 RC2", "5.1.0 (LTS)", a numbered post's "42". It says which, not of what:
# the source's name says that. The grammar is semantic versioning's and the forges': a
# number, dotted or not ("v" or a word for "version" before it), then any words after a
# dash, a dot, a plus sign or an underscore ("-rc.1", "+build.5", ".0rc1"), then a release's
# stages after a space or in brackets ("beta 2", "(LTS)"), or the date in brackets. Letters
# right after the first number make a word ("5G", "3D", "4K", "1Password"), which names
# something; and words after a space are a version's only when they are its stages, so
# "3 dead", "Windows 11" and "iPhone 16 Pro" name what they are about.
@functools.cache
def _version_only() -> re.Pattern[str]:
    from digest.text.lexicon import any_of, lexicon

    lex = lexicon()
    stage = rf"(?:{any_of(lex.release_stages)})(?:[\s.-]?\d+)?"
    return re.compile(
        rf"(?P<named>(?:{any_of(lex.version_words)})\s+v?|v)?"
        r"\d+(?P<dotted>\.\d+)*(?:[._+-][^\W_]+)*"
        rf"(?P<stages>(?:\s+{stage}|\s*[(\[](?:{stage}|\d{{4}}-\d\d-\d\d)[)\]])+)?",
        re.IGNORECASE,
    )


def names_nothing(title: str) -> bool:
    """Whether ``title`` is only a version, a tag or a number: no headline of anything."""
    match = _version_only().fullmatch(" ".join(title.split()))
    if match is None:
        return False
    # a plain number before a stage counts things ("10 stable"); a version is dotted or named
    return not match["stages"] or bool(match["named"] or match["dotted"])


def naming_source(title: str, source: str) -> str:
    """``title`` as a headline: one that names nothing ("v2.4.0") with the name of its
    source before it ("trailmap: v2.4.0"; a colon, since the name may be a feed's own), any
    other as it is. A feed of releases is named by its project's name, not by the words its
    forge puts around it ("Release notes from trailmap": "trailmap")."""
    if not names_nothing(title) or not source.strip():
        return title
    name = released_project(source) or " ".join(source.split())
    return f"{name}: {' '.join(title.split())}"


# The parts of a feed's title: "Releases · acme/trailmap · GitHub", "trailmap - Releases".
_TITLE_PARTS = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|\u00b7|\u2022)\s+|:\s+")
# A repository's path, whose last part names the project: "acme/trailmap", "~jo/notes".
_REPOSITORY = re.compile(r"[~@]?[\w.-]+(?:/[\w.-]+)+")


@functools.cache
def _release_feed() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What a feed of releases is called alone ("Releases"), before its project's name
    ("Release notes from X", "Releases for X") and after it ("X tags")."""
    from digest.text.lexicon import any_of, lexicon

    lex = lexicon()
    feeds, links = any_of(lex.release_feeds), any_of(lex.release_links)
    return (
        re.compile(rf"(?:{feeds})", re.IGNORECASE),
        re.compile(rf"(?:{feeds})\s+(?:{links})\s+(?P<name>.+)", re.IGNORECASE),
        re.compile(rf"(?P<name>.+?)\s+(?:{feeds})", re.IGNORECASE),
    )


def released_project(name: str) -> str | None:
    """The project a feed of releases is named for in its title ``name``, or None when the
    title is not a release feed's: "trailmap" for GitHub's "Release notes from trailmap" and
    "Tags from trailmap", Gitea's and Forgejo's "Releases for acme/trailmap", GitLab's
    "trailmap releases" and "trailmap tags", or a page's "Releases · acme/trailmap · GitHub"
    (the words are lexicon.toml's [releases], in several languages)."""
    alone, before, after = _release_feed()
    parts = [p for p in _TITLE_PARTS.split(" ".join(name.split())) if p]
    for index, part in enumerate(parts):
        if alone.fullmatch(part):
            # a part that is only the feed's word: its project is the part beside it
            beside = parts[index + 1 : index + 2] or (parts[index - 1 : index] if index else [])
            project = beside[0] if beside else None
        else:
            match = before.fullmatch(part) or after.fullmatch(part)
            project = match["name"] if match else None
        if project:
            return project.rsplit("/", 1)[-1] if _REPOSITORY.fullmatch(project) else project
    return None


# A title cut short: an ellipsis at its end ("…" or "...").
_CUT_SHORT = re.compile(r"\s*(?:\u2026|\.\.\.)$")
# A label before a post's first words in its title: "R to @leithcouncil: ", "Pinned: ".
_POST_LABEL = re.compile(r"^[^:]{1,40}:\s+")
# A title of fewer words than this says too little to tell that it is the text's opening.
_MIN_OPENING_WORDS = 3
_TITLE_WORDS = re.compile(r"[^\W_]+")


def opens_text(title: str, text: str) -> bool:
    """Whether ``title`` is only the opening of ``text`` cut short: a short post's title
    made of its first words and an ellipsis (a Twitter or Bluesky bridge's, Nitter's:
    "Bin collections in Leith are running a day late…"), with a label before them or not
    ("R to @leithcouncil: ..."). It says nothing the text does not: the post is whole, and
    its headline is made from it as an untitled post's is. Its words are the text's as
    written, in the same case: a headline that runs on into its text, as a writer's may ("The
    Trouble with Teaching Physics…" over "The trouble with teaching physics is ..."), is
    written as a headline is, and stays; so does one without an ellipsis, the article's
    headline repeated at the top of its text."""
    title = " ".join(title.split())
    cut = _CUT_SHORT.search(title)
    if cut is None:
        return False
    said = _TITLE_WORDS.findall(text)
    head = title[: cut.start()]
    label = _POST_LABEL.match(head)
    for opening in (head, head[label.end() :] if label else None):
        words = _TITLE_WORDS.findall(opening) if opening else []
        if (
            len(words) >= _MIN_OPENING_WORDS
            and len(said) >= len(words)
            and said[: len(words) - 1] == words[:-1]
            # the last word may be cut in the middle ("a day la…")
            and said[len(words) - 1].startswith(words[-1])
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Titles of several items, and of paid posts

# What separates a briefing's name from its items: a colon, or a dash or a bar between spaces.
_BRIEFING_NAME_END = re.compile(r":\s|\s[|\u2014\u2013-]\s")
# A briefing's name is a few words: "Today's headlines", "Die Lage am Morgen".
_BRIEFING_NAME_WORDS = 6


@functools.cache
def _briefing_shapes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What names a briefing, what opens a next item, what closes a list (see ``joins_items``;
    the words are lexicon.toml's [briefings])."""
    from digest.text.lexicon import any_of, lexicon

    lex = lexicon()
    following = any_of(lex.briefing_next_item)
    capitalised = any_of(w[:1].upper() + w[1:] for w in lex.briefing_next_item)
    return (
        re.compile(rf"(?<!\w)(?:{any_of(lex.briefing_names)})(?!\w)", re.IGNORECASE),
        re.compile(
            # after a sentence's end (a word's, not an initial's: "J. Y. Smith", "U.S. and"),
            # with a capital: "X. And, Y", "X. Plus: Y"
            rf"(?<=\w\w)[.!?]\s+(?:{capitalised})(?!\w)"
            # after a semicolon: "X; also Y"; after a dash, with a colon: "X \u2014 Plus: Y"
            rf"|;\s+(?i:{following})(?!\w)"
            rf"|\s[\u2014\u2013-]\s+(?i:{following})\s*:"
        ),
        re.compile(rf",.*?(?:,|\s)\s*(?:{any_of(lex.briefing_and_more)})[\s.!\u2026]*$", re.I),
    )


def joins_items(title: str) -> bool:
    """Whether ``title`` joins several items, as a newsletter's or a briefing's does: a
    briefing's name before its items ("Morning Briefing: X, Y and Z", "Today's headlines:
    ..."), a second item after the first ("Rev. Jesse Jackson has died. And, U.S. and Iran set
    for talks", "X. Plus: Y", "X; also Y"), or a list closed by "and more" ("X, Y and more"),
    in the languages of lexicon.toml's [briefings]. Its report is about more than one event:
    a headline that tells one event is clearer, and its report leads the story."""
    text = " ".join(title.split())
    if not text:
        return False
    names, next_item, and_more = _briefing_shapes()
    end = _BRIEFING_NAME_END.search(text)
    if end is not None:
        name = text[: end.start()]
        if len(name.split()) <= _BRIEFING_NAME_WORDS and names.search(name):
            return True
    return bool(next_item.search(text) or and_more.search(text))


@functools.cache
def _paid_shapes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A paid post's label where a title puts one, and a feed's tag that is one (see
    ``paid_title_label``; the words are lexicon.toml's [paid])."""
    from digest.text.lexicon import any_of, lexicon

    lex = lexicon()
    labels = any_of(lex.paid_labels | lex.paid_title_labels)
    bracketed = rf"[\[(]\s*(?:{labels})\s*[\])]"
    title = re.compile(
        # opening it: "[Sponsor] ...", "(Sponsored) ...", "Sponsored: ...", "Anzeige - ..."
        rf"^\s*(?:{bracketed}|(?:{labels})\s*(?::|\s[|\u2014\u2013-]\s))"
        # closing it: "... [Ad]", "... (Sponsored)", "... | Advertorial"
        rf"|(?:{bracketed}|\s[|\u2014\u2013-]\s+(?:{labels}))\s*$"
        # or all of it
        rf"|^\s*(?:{labels})\s*$",
        re.IGNORECASE,
    )
    # A tag is the label alone; one that names a subject too ("Advertising") is not enough.
    tag = re.compile(rf"^[ \t]*(?:{any_of(lex.paid_labels)})[ \t]*$", re.IGNORECASE | re.MULTILINE)
    return title, tag


def paid_title_label(title: str) -> str | None:
    """The label that marks ``title`` as a paid post's, as written ("[Sponsor]",
    "Sponsored:", "(Anzeige)", "| Advertorial"), or None: a label of lexicon.toml's [paid]
    in brackets or before a colon at its start, or at its end. A word of it elsewhere is the
    subject's ("Club signs new shirt sponsor", "Ad spending falls")."""
    found = _paid_shapes()[0].search(title)
    return " ".join(found.group().split()) if found else None


def paid_tag_pattern() -> re.Pattern[str]:
    """What finds, among a feed's tags for an entry (one a line), one that only says the
    entry is paid for ("Sponsored", "Partner Content", "Anzeige")."""
    return _paid_shapes()[1]


def paid_title_pattern() -> re.Pattern[str]:
    """What finds a paid post's label in a title (see ``paid_title_label``)."""
    return _paid_shapes()[0]


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


# A bracket before a title or a text, and what may follow it: "[Premium Times] The ...",
# "[allAfrica] - ...".
_BRACKETED = re.compile(r"\[\s*(?P<name>[^\[\]\n]{2,60}?)\s*\]\s*(?:[:|\u2014\u2013-]\s+)?")
# A publisher's name is a few words.
_CREDIT_WORDS = 5
# What joins the words of a name in lower case: "Voice of America", "The Times of India".
_NAME_JOINS = frozenset({"of", "the", "and", "&", "for", "on", "in", "de", "la", "le", "el"})


def credit_in_brackets(text: str) -> int:
    """How many characters at the start of ``text`` are a publisher credited in brackets, as
    an aggregator puts it before each item ("[Premium Times] The Nigerian government ...",
    "[allAfrica] ..."): a name (a few capitalised words, "allAfrica" too) followed by more
    than it. 0 when there is none: a label of the post itself ("[Updated]", "[PDF]",
    "[Video]", "[Sponsor]": lexicon.toml's [post_labels] and [paid]), or words that are no
    name ("[1/3]", "[updated 14:02]")."""
    match = _BRACKETED.match(text)
    if match is None or not text[match.end() :].strip():
        return 0
    rest = text[match.end() :].lstrip()
    if rest[:1].islower():
        return 0  # the bracket is part of the sentence: "[He] said ..."
    from digest.text.lexicon import lexicon

    lex = lexicon()
    labels = lex.post_labels | lex.paid_labels | lex.paid_title_labels
    name = " ".join(match["name"].split())
    words = name.split()
    if len(words) > _CREDIT_WORDS or name.casefold() in labels:
        return 0
    if all(w.casefold() in labels for w in words):
        return 0  # "[Exclusive Interview]"
    particles = lex.name_particles | _NAME_JOINS
    for word in words:
        if not (any(c.isupper() for c in word) or word.casefold() in particles):
            return 0
    return match.end()


def _credits_publisher(title: str, site_names: Sequence[str]) -> bool:
    """Whether the bracket before ``title`` names its site or a news agency ("[allAfrica]"
    on allafrica.com, "[Reuters]"): before a title, a name in brackets may also be its
    topic's ("[Node.js] How to use promises"), which a text's opening seldom is."""
    from digest.text.lexicon import lexicon

    match = _BRACKETED.match(title)
    if match is None:
        return False
    name = " ".join(match["name"].split())
    names = {_fold(n) for n in site_names if _fold(n)}
    if _fold(name) in names:
        return True
    return any(re.fullmatch(agency, name) for agency in lexicon().dateline_agencies)


def strip_cruft(title: str, site_names: Sequence[str] = ()) -> str:
    """``title`` without a trailing (or leading) site name, a publisher credited in brackets
    before it ("[allAfrica] ..."), a wire's or a live page's flag ("UPDATE 2-", "BREAKING:")
    and a keyword-stuffed lead-in."""
    text = " ".join(title.split())
    credit = credit_in_brackets(text)
    if credit and len(text[credit:].split()) >= 3 and _credits_publisher(text, site_names):
        text = text[credit:]
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


def source_title(
    title: str, site: str | None = None, site_name: str = "", categories: Sequence[str] = ()
) -> str:
    """The title a source the config leaves unnamed is shown by (``model.own_title``): a
    site's name before its tagline ("Le Monde.fr - Actualités et Infos en France et dans le
    monde", "TechCrunch – Startup and Technology News") is the site's name alone, when the
    host of its home page (``site``) is that name, as a headline's site name is told.

    A title that only names a section of its site ("Asia", "Top Stories", "Deportes": see
    ``is_section_title``; ``categories`` are the feed's own) says nothing of who wrote it, and
    is shown after its site's name: ``site_name`` (what the feed calls its site apart from
    its title, an RSS channel's ``<image><title>``), else the host of its home page
    ("The Economist – Asia", "economist.com – Asia"). A site's name that holds the section's
    words already ("NPR Topics: World" for "World") is shown alone. Without either, the
    title stands.

    Control characters go, as from an entry's title (``strip_control_chars``): a JSON feed's
    title may hold an escape sequence, which reached a terminal raw in every listing of the
    sources, and stopped 'digest sources export' (XML holds none)."""
    from digest.text.decode import strip_control_chars

    title, site_name = strip_control_chars(title), strip_control_chars(site_name)
    shown = _without_tagline(title, site)
    if not is_section_title(shown, categories):
        return shown
    names = {_fold(n) for n in site_names_for("", site) if _fold(n)} if site else set()
    if _is_site(shown, names):  # the site's own name ("Science" on science.org)
        return shown
    publisher = _publisher(site_name, site)
    if not publisher:
        return shown
    if set(_section_words(shown)) <= set(_section_words(publisher)):
        return own_title(publisher)
    # (not " · ": the lines that show a source's name set it apart from a story's count,
    # author and time with that, "2 reports · The Economist – Asia · Mon 7 Dec, 12:58")
    return own_title(f"{publisher} – {shown}")


def _without_tagline(title: str, site: str | None) -> str:
    text = " ".join(title.split())
    separator = _SEPARATORS.search(text)
    colon = text.find(": ")  # ("Dicas-L: Dicas técnicas de Linux e Software Livre")
    if colon >= 0 and (separator is None or colon < separator.start()):
        start, end = colon, colon + 2
    elif separator is not None:
        start, end = separator.start(), separator.end()
    else:
        return own_title(text)
    name, tagline = text[:start], text[end:]
    names = {_fold(n) for n in site_names_for("", site) if _fold(n)} if site else set()
    # (a section first, "World news | The Guardian", or a short tail, "Hacker News: Front
    # Page", keeps the whole title)
    if len(tagline.split()) >= _TAGLINE_WORDS and len(name.split()) <= 4 and _is_site(name, names):
        return own_title(name)
    return own_title(text)


# A site's name as a feed gives it beside its title is a name in at most this many words:
# a longer one is a description ("Latest news and analysis from ...").
_SITE_NAME_WORDS = 6


def _publisher(site_name: str, site: str | None) -> str:
    """Who publishes a feed titled by a section only: the name it gives its site, if that is
    a name and not a section's title again (most often the same title), else the host of its
    home page without "www." ("economist.com"); empty when the feed says neither."""
    name = _without_tagline(site_name, site) if site_name.strip() else ""
    if name and len(name.split()) <= _SITE_NAME_WORDS and not is_section_title(name):
        return name
    if not site:
        return ""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(site).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def is_section_title(title: str, categories: Sequence[str] = ()) -> bool:
    """Whether a feed's ``title`` only names a section of its site, and not the site: it
    is one of the feed's own ``categories`` ("Cronache" for a feed whose channel is filed
    under "Cronache"), or it is made only of the words sites title a section's feed by
    (lexicon.toml's [feed_titles], in several languages: "World", "Top Stories", "Science &
    Environment", "Welt", "Últimas noticias"), joined by a conjunction at most. Any other
    word is a name: "BBC News - World", "Die Welt", "Hacker News" are not sections."""
    words = _section_words(title)
    if not words:
        return False
    if any(_section_words(category) == words for category in categories):
        return True
    sections, joiners, longest = _section_phrases()
    at = 0
    while at < len(words):
        if 0 < at < len(words) - 1 and words[at] in joiners:
            at += 1
            continue
        for length in range(min(longest, len(words) - at), 0, -1):
            if words[at : at + length] in sections:
                at += length
                break
        else:
            return False
    return True


@functools.lru_cache(maxsize=4096)  # (a feed's categories are read again on every build)
def _section_words(text: str) -> tuple[str, ...]:
    """``text``'s words, case and accents aside ("Economía" is "economia")."""
    return tuple(_NAME_WORD.findall(without_accents(text.casefold())))


@functools.cache
def _section_phrases() -> tuple[frozenset[tuple[str, ...]], frozenset[str], int]:
    """The section titles' phrases as words, the conjunctions that may join two of them, and
    the longest phrase's length in words."""
    from digest.text.lexicon import lexicon

    lex = lexicon()
    phrases = frozenset(filter(None, map(_section_words, lex.feed_sections)))
    joiners = frozenset().union(*(w.conjunctions for w in lex.headline_words.values()))
    joined = frozenset("".join(_section_words(word)) for word in joiners)
    return phrases, joined, max(map(len, phrases))


# A title's tail this long after the site's name is its tagline, not a section.
_TAGLINE_WORDS = 4


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


# What a title that joins several items loses: more than a derived headline does, and than a
# headline stuffed with keywords or flagged.
_SEVERAL_ITEMS = 0.6


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
    if joins_items(title):
        # "X has died. And, Y": a briefing's title is two events' (or more), and any headline
        # of the one event the story is about is clearer, even one made from a sentence
        score -= _SEVERAL_ITEMS
    return score


# A run of letters, the unit whose capitals a shouted title is read word by word for
_LETTERS = re.compile(r"[^\W\d_]+")
# where a sentence starts, whose first word is capitalised for its place, not for itself
_SENTENCE_START = re.compile(r"(?:^|[.!?\u2026:]\s+|\n)[\"'\u201c\u2018\u00ab(\[]*$")
_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœāēīōūăąęěėįųůаеёиоуыэюяαεηιουω")
# a title is shouted when this many of its words are in capitals ...
_SHOUTED_WORDS = 3
# ... and when its text has words enough to tell how each of them is written
_TEXT_WORDS_TO_RECASE = 20


def is_shouting(title: str) -> bool:
    """Whether ``title`` is written in capitals: at least three words of two letters or more
    wholly in capitals, and hardly a small letter beside them. "NASA picks SpaceX" or "UK
    GDP grows" are not: capitals for names and acronyms are a headline's own."""
    words = _LETTERS.findall(title)
    shouted = sum(1 for w in words if len(w) > 1 and w.isupper())
    if shouted < _SHOUTED_WORDS:
        return False
    letters = sum(len(w) for w in words)
    small = sum(1 for w in words for c in w if c.islower())
    return small <= 0.1 * letters


def unshouted(title: str, text: str, language: str | None = None) -> str:
    """``title`` out of capitals, each word as ``text`` (the article's) writes it inside a
    sentence: "NASA" stays, "LAUNCHES" becomes "launches", "ARTEMIS" "Artemis"; the first
    letter a capital. A word the text does not have becomes small but for a run of consonants
    ("BBC", "NHS"), which can only be letters read one by one, and a word of one or two
    letters ("UK", "EU"), which the text would have if it were a word of its language. ``title``
    as it is when it is not shouting, or when the text is too short to tell.

    Capitals often go without the accents the text writes (Greek's always: "ΑΘΗΝΑ" is
    "Αθήνα"; French "ETAT" is "État"), and Turkish writes "ı" as "I" and "i" as "İ": a word
    is found in the text with either. A wire's flag before the title ("UPDATE 2-") stays as
    it is, for ``strip_cruft`` to find. ``language`` (a BCP 47 tag): how a word the text
    lacks is written small ("KIZ" is "kız" in Turkish)."""
    if not is_shouting(title):
        return title
    from digest.text.prefilter import fold  # (İ and ı as i, ς as σ: as a capital hides them)

    flag = _FLAG.match(title)
    head, title = (title[: flag.end()], title[flag.end() :]) if flag else ("", title)
    spellings: dict[str, dict[str, int]] = {}
    words = 0
    for found in _LETTERS.finditer(text):
        word = found.group()
        words += 1
        # a capital for its place at a sentence's start says nothing of the word; a word in
        # capitals there still does ("NASA said")
        if not (len(word) > 1 and word.isupper()) and _SENTENCE_START.search(
            text, max(0, found.start() - 4), found.start()
        ):
            continue
        counts = spellings.setdefault(fold(word).casefold(), {})
        counts[word] = counts.get(word, 0) + 1
    if words < _TEXT_WORDS_TO_RECASE:
        return head + title
    bare: dict[str, dict[str, int]] = {}  # the same, by the words without their accents
    for key, counts in spellings.items():
        same = bare.setdefault(without_accents(key), {})
        for spelling, count in counts.items():
            same[spelling] = same.get(spelling, 0) + count

    # whether the word before, as written now, began with a capital, and where it ended
    after_name, name_end = False, -1

    def written(found: re.Match[str]) -> str:
        nonlocal after_name, name_end
        # (only a space between them: "Louis XIV", not "Paris: DIX ans")
        follows = after_name and title[name_end : found.start()].isspace()
        # (a word's English ending after its apostrophe: "LEO'S", "WON'T", "THEY'LL"; not
        # what follows an elided article, often a name: "L'UE", "DELL'ONU")
        at = found.start()
        clitic = (
            found.group() in _CLITICS
            and at >= 2
            and title[at - 1] in "'\u2019"
            and title[at - 2].isalpha()
        )
        word = spelt(found.group(), follows, clitic)
        after_name, name_end = word[:1].isupper(), found.end()
        return word

    def spelt(word: str, follows_name: bool, clitic: bool) -> str:
        key = fold(word).casefold()
        counts = spellings.get(key) or bare.get(without_accents(key))
        if not word.isupper():
            # a word the title itself writes in small letters: as it is, or as the text does
            # ("McDONALD", "iPHONE")
            return max(counts.items(), key=lambda item: item[1])[0] if counts else word
        if counts:
            return max(counts.items(), key=lambda item: item[1])[0]
        if not clitic and (len(word) <= 2 or not any(c in _VOWELS for c in word.casefold())):
            return word  # ("UK", "EU": the text has the short words of its language)
        if follows_name and _ROMAN_NUMERAL.fullmatch(word):
            return word  # a name's number ("Louis XIV", "Super Bowl LVIII")
        if (language or "").split("-")[0].lower() in _DOTLESS_I_LANGUAGES:
            word = word.replace("I", "\u0131")
        return word.replace("\u0130", "i").lower()  # (not an "i" and a combining dot)

    recased = _LETTERS.sub(written, title)
    first = _LETTERS.search(recased)
    if first is not None and recased[first.start()].islower():
        at = first.start()
        recased = recased[:at] + recased[at].upper() + recased[at + 1 :]
    return head + recased


# A Roman numeral as a name's is written (III, XIV, LVIII), not any run of its letters
# ("DID"): below a hundred, as a king's, a pope's, a Super Bowl's is. The larger ones are
# years, in a headline, and their letters more often a word ("MIX", "DIX", "DIV", "CIV").
_ROMAN_NUMERAL = re.compile(r"(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")

# English endings after an apostrophe, in capitals: small like the word they end
_CLITICS = frozenset(("S", "T", "D", "M", "LL", "RE", "VE"))

# The languages whose "I" is a capital "ı" (their "i" is "İ"): Unicode's special casing
_DOTLESS_I_LANGUAGES = frozenset(("tr", "az"))


def choose_headline(candidates: Sequence[Candidate]) -> str:
    """The clearest headline among ``candidates`` (the first wins a tie), cruft stripped."""
    best = max(
        enumerate(candidates), key=lambda pair: (headline_score(pair[1]), -pair[0]), default=None
    )
    if best is None:
        return ""
    chosen = best[1]
    return strip_cruft(chosen.title, chosen.site_names)
