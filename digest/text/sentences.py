"""Split article text into sentences: a regex finds the candidate ends, a few rules decide.

A candidate is a run of ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes or
brackets) that is followed by whitespace. Whether it ends a sentence depends on the token
before it and the token after it:

* the next token starting with a lower-case letter never starts a sentence
  (``"Why?" he asked``, ``He paused... and left``, ``approx. five``), except a mixed-case
  name after a full stop (``... in 2007. iPhone sales``);
* titles (``Mr.``, ``Dr.``, ``Gen.``, ``e.g.``) never end one;
* other abbreviations and initials (``Inc.``, ``U.S.``, ``a.m.``, ``Dec.``, ``J.``) end one only
  when the next word is a common sentence opener (``The``, ``He``, ``In``, ``However``) or an
  opening quote, so ``in the U.S. The next day`` splits but ``the U.S. Army`` and
  ``J. K. Rowling`` do not;
* after ``a.m.``/``p.m.`` any capital starts a sentence except a day, month or time zone
  (``at 9 a.m. Monday``, ``9 a.m. ET``);
* an abbreviation followed by a number never ends one (``No. 10``, ``Dec. 10``, ``U.S. 10-year``);
* a lone ``!`` after at most two words, before a capital that is no sentence opener, is part
  of a name (``Yahoo! Japan said``, ``The try! Swift conference``);
* an ellipsis ends one only before a capital (``Wait… What?``), never before lower case or a
  number, and never as a bracketed elision (``[...]``);
* nothing ends one inside a quotation that closes soon after in the same paragraph
  (``"We are devastated. This was our home," said Ana Ruiz.`` is one sentence): split there,
  its second half would stand alone with a closing quote and an attribution that belong to
  the first, a broken lead. A longer quotation (``QUOTE_REACH``), or one whose closing mark
  is not in the paragraph (a quote that continues in the next one, a stray mark), is split
  as any text.

Decimals, version numbers, URLs and e-mail addresses never hold a candidate because their
dots are not followed by whitespace. A blank line always ends a sentence; any other whitespace,
including a single newline, counts as a space. The rules are the ones rule-based splitters
(pysbd, syntok) use, at a small fraction of their cost and with no data to load.

The word lists are English. Given the text's ``language`` (a BCP 47 tag), German, French and
Spanish add their own titles, abbreviations and sentence openers to them (``Hr.``, ``M.``,
``Sra.``, ``z. B.``, ``EE. UU.``; ``Die``, ``Les``, ``Además``), German closes quotes with
``“`` and ``«`` and writes ordinals with a full stop (``am 3. Oktober``, ``im 20.
Jahrhundert``: a number of up to three digits is no sentence end before a capital, unless
that capital opens a sentence). Any other language is split by the English rules, as is text
whose language is not known.

Chinese and Japanese put no space after a sentence: their full-width ``。``, ``！`` and ``？``
(with the closing quotes or brackets after them, ``。」``) end one wherever they stand, whatever
the text's declared language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A candidate end: terminal punctuation and any closing quotes or brackets, as one run (the
# caller checks that whitespace follows; a lookahead here would rescan long runs of dots from
# every position). The tokens either side are found with rfind and a short match: a regex
# capturing them would be tried at every token start and cost several times more.
_CANDIDATE = re.compile(r"[.!?\u2026][.!?\u2026\"'\u201d\u2019\u00bb)\]]*")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_NEXT_TOKEN = re.compile(r"\s+(\S+)")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A full-width sentence end (Chinese, Japanese) and the closing quotes or brackets after it.
_FULL_WIDTH_END = re.compile(
    "[\u3002\uff01\uff1f\uff61]+[\u300d\u300f\u3011\u3015\u3009\u300b\uff09\uff3d"
    "\u201d\u2019\"')\\]]*"
)
_OPENERS = "\"'\u201c\u2018\u00ab([{\u00bf\u00a1*\u2014\u2013-"
_QUOTES = "\"'\u201c\u2018\u00ab"
_TRAILERS = ",;:.!?\u2026\"'\u201d\u2019\u00bb)]}"
# How each opening quotation mark may close: "…", “…”, „…“ or „…” (German), «…», and »…«
# (German). Single marks are left out: an apostrophe looks like one.
_QUOTE_CLOSERS = {
    '"': '"',
    "\u201c": "\u201d",
    "\u201e": "\u201c\u201d",
    "\u00ab": "\u00bb",
    "\u00bb": "\u00ab",
}
_QUOTE_MARKS = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
# What may stand before a straight double quote that opens a quotation: the start of the
# block, white space, a bracket, a dash or a slash. After a letter or a digit it is a closing
# quote or an inch mark ('a 6.1" screen', '5\'11"'), which opens nothing.
_BEFORE_OPENING = frozenset(" \t\n\u00a0([{\u2014\u2013-/")
# The longest quotation (in characters, from its opening mark to its closing one) whose full
# stops are no sentence ends: a longer quoted passage splits as prose.
QUOTE_REACH = 300
_LONGEST_ABBREVIATION = 40  # a longer token before a period is never an abbreviation
_NAME_WORDS = 2  # the most words before a "!" that may still be a name ("The try!")

# Single letters or letter-dot runs: initials (J. K.), initialisms (U.S., D.C.), a.m./p.m.
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_MIXED_CASE = re.compile(r"[a-z]{1,2}[A-Z]")

# Titles never end a sentence: a name follows. (Sr. is left out: "John Smith Sr. The ...".)
_TITLES = _words(
    """Mr Mrs Ms Messrs Mmes Mme Mlle Dr Drs Prof Profs Sen Sens Rep Reps Gov Govs Lt Col Gen
    Maj Capt Cpt Sgt Cmdr Cdr Adm Brig Cpl Pvt Rev Revd Hon Pres Supt Insp Fr Msgr Atty Amb"""
)
# Matched in lower case; these introduce what follows and never end a sentence.
_NEVER_END = _words("e.g i.e eg ie cf viz vs v")
# Abbreviations that may end a sentence ("Apple Inc.", "in Calif.", "apples, etc.").
_AMBIGUOUS = _words(
    """Jr Sr Inc Co Corp Cos Ltd Llc Plc Bros Assn Dept Univ Intl Natl Govt Mfg Esq
    St Ste Ave Blvd Rd Hwy Mt Ft Pt Sq
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat
    Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo
    Mont Neb Nev Okla Ore Pa Penn Tenn Tex Va Vt Wash Wis Wyo
    etc al approx est esp ca Ph.D Ph.Ds"""
)
# Abbreviations only before a number ("No. 10", "Vol. 3", "pp. 12"); "He said no." is a word.
_BEFORE_NUMBER = _words("No Nos no nos Vol vol Fig fig Figs Art Sec Ch Op pp p Pp Nr Tel")

# Capitalised words that usually open a sentence rather than continue a name: after an
# abbreviation or initial they decide that the period ends the sentence.
_STARTERS = _words(
    """A An The This That These Those There Then Their Theirs They Them He She It Its His Her
    We Our You Your I I'm I've I'd It's He's She's They're We're There's That's
    What When Where Why Who Whom Whose Which How While Whether If In On At By For From To Into
    With Without Within Of As After Before During Since Until Unless Although Though Because
    But And Or Nor So Yet Also However Meanwhile Moreover Furthermore Nevertheless Nonetheless
    Still Now Today Yesterday Tomorrow Tonight Last Next Earlier Later Some Many Most Several
    Few All Both Each Every Either Neither No Not None Nothing One Two Three Four Five Six Seven
    Eight Nine Ten More Less Such Another Other Others Among Under Over Despite Instead Indeed
    Asked According Here My Everyone Everything Someone Something Anyone Nobody Is Are Was Were
    Do Does Did Has Have Had Can Could Would Should Must Officials Police Authorities Critics
    Experts Researchers Analysts Residents Witnesses Investigators Prosecutors Doctors
    Scientists Shares Prices Sales Separately Overall Elsewhere Once Thus Hence"""
)
# What may follow "a.m." / "p.m." in the same sentence; any other capital starts a new one.
_AFTER_TIME = _words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thurs Fri Sat
    Sun January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec ET EST EDT CT CST CDT MT MST MDT PT PST PDT
    GMT UTC BST CET CEST IST JST HKT AEST AEDT Eastern Central Mountain Pacific Atlantic Local
    Greenwich Moscow Tokyo London Paris Beijing Sydney"""
)


@dataclass(frozen=True)
class _Rules:
    """The words one language's sentence ends are judged by (see the module's docstring)."""

    titles: frozenset[str]
    never_end: frozenset[str]  # in lower case
    ambiguous: frozenset[str]
    before_number: frozenset[str]
    starters: frozenset[str]
    candidate: re.Pattern[str] = _CANDIDATE
    closers: str = _CLOSERS
    ordinals: bool = False  # "am 3. Oktober"

    def extended(self, **more: str) -> _Rules:
        """These rules plus the words in ``more`` (same names, as space-separated text)."""
        return _Rules(
            **{
                name: getattr(self, name) | _words(more.get(name, ""))
                for name in ("titles", "ambiguous", "before_number", "starters")
            },
            never_end=self.never_end | _words(more.get("never_end", "").lower()),
            candidate=self.candidate,
            closers=self.closers,
            ordinals=self.ordinals,
        )


_ENGLISH = _Rules(_TITLES, _NEVER_END, _AMBIGUOUS, _BEFORE_NUMBER, _STARTERS)

# German closes a quotation with “ or « („so“, »so«) and opens it with „ or »: both closers
# may follow a sentence's full stop.
_GERMAN_CLOSERS = _CLOSERS + "\u201c\u2018\u00ab\u203a"
_GERMAN = _Rules(
    _ENGLISH.titles,
    _ENGLISH.never_end,
    _ENGLISH.ambiguous,
    _ENGLISH.before_number,
    _ENGLISH.starters,
    candidate=re.compile(
        r"[.!?\u2026][.!?\u2026\"'\u201d\u2019\u00bb\u201c\u2018\u00ab\u203a)\]]*"
    ),
    closers=_GERMAN_CLOSERS,
    ordinals=True,
).extended(
    titles="Hr Hrn Fr Frl Prof Dipl Ing Dres",
    never_end="z.B bzw vgl sog ggf d.h bspw inkl evtl ca zit",
    ambiguous="usw u.a Mio Mrd Tsd Jh Jhd Str Abs Bd Kt Jan Febr Apr Aug Sept Okt Nov Dez",
    before_number="Nr Abs Bd Kap Jg S Tab Abb",
    starters="""Der Die Das Den Dem Des Ein Eine Einer Einen Einem Er Sie Es Wir Ich Ihr Man
    Dies Diese Dieser Dieses Doch Aber Und Oder Auch Als Am Im In An Auf Aus Bei Mit Nach Seit
    Von Vor Zu Zum Zur Für Über Unter Gegen Ohne Nun Dann Damit Denn Deshalb Daher Dabei Dazu
    Danach Zudem Außerdem Allerdings Jedoch Trotzdem Inzwischen Bisher Heute Gestern Morgen
    Laut Wie Was Wer Wo Warum Wann Ob Wenn Weil Während Nachdem Bevor Obwohl So Sein Seine
    Ihre Mehr Viele Alle Beide Jeder Jede Kein Keine Nicht Nur Noch Schon Bereits Zunächst
    Später Erst Insgesamt Zwar Hier Dort Da Eines Zwei Drei Vier Fünf""",
)
# French sets its closing guillemet off with a space ("la crise. »"): it still closes.
_FRENCH_SPACES = " \u00a0\u202f"
_FRENCH = _Rules(
    _ENGLISH.titles,
    _ENGLISH.never_end,
    _ENGLISH.ambiguous,
    _ENGLISH.before_number,
    _ENGLISH.starters,
    candidate=re.compile(
        r"[.!?\u2026][.!?\u2026\"'\u201d\u2019\u00bb)\]]*(?:[ \u00a0\u202f]\u00bb)?"
    ),
    closers=_CLOSERS + _FRENCH_SPACES,
).extended(
    titles="M MM Mme Mmes Mlle Mlles Me Mgr Pr",
    never_end="p.ex cf",
    ambiguous="av apr env janv févr avr juil sept oct nov déc",
    before_number="n° p pp t vol chap art",
    starters="""Le La Les L' Un Une Des Du De D' Il Elle Ils Elles On Nous Vous Je J' Tu Ce C'
    Cet Cette Ces Ça Cela Mais Et Ou Donc Or Car Ni En Au Aux Dans Pour Par Sur Sous Selon
    Depuis Après Avant Alors Ainsi Pourtant Cependant Toutefois Enfin Puis Quand Si S' Comme
    Lorsque Lorsqu' Tandis Aujourd'hui Hier Demain Plus Moins Tous Toutes Chaque Aucun Aucune
    Certains Plusieurs Son Sa Ses Leur Leurs Notre Nos Votre Vos Mon Ma Mes Qui Que Qu' Quoi
    Où Pourquoi Comment Déjà Encore Ensuite Parmi Malgré Entre Y N' Ne Pas Voici Voilà""",
)
_SPANISH = _ENGLISH.extended(
    titles="Sr Sra Srta Sres Sras D Dña Dra Lic Ing Ud Uds Vd Vds Excmo Excma",
    never_end="EE p.ej",
    ambiguous="UU aprox etc ene feb abr ago sept oct nov dic",
    before_number="núm pág págs art cap vol tel",
    starters="""El La Los Las Lo Un Una Unos Unas Él Ella Ellos Ellas Se Su Sus En Por Para
    Con Sin Pero Y E O U Ni Según Desde Tras Antes Después Además Este Esta Estos Estas Ese Esa
    Eso Esto Aquel Aquella No Sí Ya Aún También Tampoco Hoy Ayer Mañana Cuando Si Como Donde
    Mientras Aunque Porque Qué Quién Cuál Cómo Dónde Cuándo Al Del Así Luego Entonces Más Menos
    Todos Todas Cada Ningún Ninguna Varios Algunos Algunas Nosotros Yo Hay Fue Es Era""",
)
_RULES = {"en": _ENGLISH, "de": _GERMAN, "fr": _FRENCH, "es": _SPANISH}


@functools.lru_cache(maxsize=64)
def _rules(language: str | None) -> _Rules:
    if not language:
        return _ENGLISH
    return _RULES.get(language.replace("_", "-").split("-")[0].lower(), _ENGLISH)


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split ``text`` into sentences, whitespace inside each collapsed to single spaces.
    ``language``: the text's BCP 47 tag, when known (see the module's docstring)."""
    return list(iter_sentences(text, language))


def iter_sentences(text: str, language: str | None = None) -> Iterator[str]:
    """The sentences of ``text`` one at a time: a caller that needs only the first few (the
    lead summariser) stops early and does not pay for the rest."""
    rules = _rules(language)
    for paragraph in _BLANK_LINE.split(text):
        for block in _full_width_pieces(paragraph):
            yield from _block_sentences(block, rules)


def _full_width_pieces(block: str) -> list[str]:
    """``block`` cut after each full-width sentence end (see the module's docstring)."""
    if _FULL_WIDTH_END.search(block) is None:
        return [block]
    pieces = []
    start = 0
    for m in _FULL_WIDTH_END.finditer(block):
        pieces.append(block[start : m.end()])
        start = m.end()
    pieces.append(block[start:])
    return pieces


def _block_sentences(block: str, rules: _Rules) -> Iterator[str]:
    """The sentences of one block of text that no blank line or full-width end cuts."""
    start = 0
    quote = _Quotation()
    for m in rules.candidate.finditer(block):
        nxt = _NEXT_TOKEN.match(block, m.end())
        if nxt is None:  # no whitespace after, or only whitespace to the end of the block
            continue
        if quote.inside(block, m.end()) and quote.closes_soon(block, m.end()):
            continue
        end = m.start()
        lo = max(end - _LONGEST_ABBREVIATION, 0)
        begin = max(block.rfind(" ", lo, end), block.rfind("\n", lo, end), lo - 1) + 1
        word = block[begin:end]
        if word and not word.isprintable():  # another kind of whitespace inside
            word = (word.split() or [""])[-1]
        run = m.group()
        punct = run.rstrip(rules.closers)
        if run == "!" and _name_with_bang(block[start:end], nxt.group(1), rules):
            continue
        if _ends_sentence(word, punct, run[len(punct) :], nxt.group(1), rules):
            sentence = " ".join(block[start : m.end()].split())
            if sentence:
                yield sentence
            start = nxt.start(1)
    sentence = " ".join(block[start:].split())
    if sentence:
        yield sentence


class _Quotation:
    """Whether a point of a block lies inside a quotation: the block's quotation marks read
    once, from left to right, as the candidate ends move on. Read across the sentences it
    splits, so that a long quotation split as prose is still known to be open at its end."""

    __slots__ = ("opened", "opener", "read")

    def __init__(self) -> None:
        self.read = self.opened = 0
        self.opener = ""

    def inside(self, block: str, end: int) -> bool:
        """Whether ``block[:end]`` leaves a quotation open."""
        for m in _QUOTE_MARKS.finditer(block, self.read, end):
            mark = m.group()
            if not self.opener:
                if mark in _QUOTE_CLOSERS and _may_open(block, m.start()):
                    self.opener, self.opened = mark, m.start()
            elif mark in _QUOTE_CLOSERS[self.opener]:
                self.opener = ""
        self.read = max(self.read, end)
        return bool(self.opener)

    def closes_soon(self, block: str, end: int) -> bool:
        """Whether the open quotation closes after ``end``, at most ``QUOTE_REACH`` characters
        from where it opened."""
        window = block[end : self.opened + QUOTE_REACH]
        return any(closer in window for closer in _QUOTE_CLOSERS[self.opener])


def _may_open(block: str, at: int) -> bool:
    """Whether the quotation mark at ``block[at]`` may open a quotation: a straight double
    quote only where an opening one stands (``_BEFORE_OPENING``) and before a word; the
    curly marks and guillemets always."""
    if block[at] != '"':
        return True
    before_ok = at == 0 or block[at - 1] in _BEFORE_OPENING
    return before_ok and at + 1 < len(block) and not block[at + 1].isspace()


def _ends_sentence(
    word: str, punct: str, closers: str, following: str, rules: _Rules = _ENGLISH
) -> bool:
    """Whether ``word``, ``punct``, ``closers``, whitespace, then ``following`` is a break."""
    nxt = following.lstrip(_OPENERS)
    bare = word.lstrip(_OPENERS)
    if not nxt:  # only punctuation follows ("—", "*"): a break unless an abbreviation precedes
        return not (punct == "." and not closers and _is_abbreviation(bare, rules))
    first = nxt[0]
    if first in ".!?\u2026":  # a spaced ellipsis (". . .") goes on
        return False
    if first.islower():
        # "iPhone sales rose" / "eBay said" after a full stop still open a sentence.
        return (
            punct == "."
            and _MIXED_CASE.match(nxt) is not None
            and not (closers or _is_abbreviation(bare, rules))
        )
    if "\u2026" in punct or ".." in punct:
        return first.isupper() and not word.endswith(("[", "("))
    if "!" in punct or "?" in punct:
        return True
    if closers:  # 'he said." Next' / "(see below.) Next"
        return True
    if not bare:  # a stray period: "By . Jane Doe ."
        return True
    if first.isdigit():
        return not (bare in rules.before_number or _is_abbreviation(bare, rules))
    if rules.ordinals and bare.isdigit() and len(bare) <= 3:  # "am 3. Oktober"
        return _is_starter(nxt.rstrip(_TRAILERS), rules)
    if bare in rules.titles or bare.lower() in rules.never_end:
        return False
    if _is_abbreviation(bare, rules):
        core = nxt.rstrip(_TRAILERS)
        if bare.lower() in ("a.m", "p.m"):  # "at 9 a.m. Monday", "9 a.m. ET", not "9 a.m. Police"
            return core not in _AFTER_TIME
        return following[0] in _QUOTES or _is_starter(core, rules)
    return True


def _name_with_bang(head: str, following: str, rules: _Rules) -> bool:
    """Whether a lone ``!`` after ``head`` (the text since the last sentence end) is part of a
    name ("Yahoo! Japan said ...", "The try! Swift conference ..."): the head is at most two
    words and no exclamation of its own ("¡Hola!"), and the next word is capitalised and no
    sentence opener ("Help! The bridge ..." still ends)."""
    words = head.split()
    if not words or len(words) > _NAME_WORDS or head.lstrip()[0] in _OPENERS:
        return False
    nxt = following.rstrip(_TRAILERS)
    return nxt[:1].isupper() and not _is_starter(nxt, rules)


def _is_starter(word: str, rules: _Rules) -> bool:
    """Whether ``word`` usually opens a sentence; an elided article or pronoun counts by its
    first part ("L'État", "D’après")."""
    if word in rules.starters:
        return True
    for apostrophe in "'\u2019":
        head, found, _ = word.partition(apostrophe)
        if found and head + "'" in rules.starters:
            return True
    return False


def _is_abbreviation(word: str, rules: _Rules = _ENGLISH) -> bool:
    return (
        word in rules.ambiguous
        or word in rules.titles
        or word.lower() in rules.never_end
        or _INITIALISM.fullmatch(word) is not None
    )
