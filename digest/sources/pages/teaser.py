"""Does a feed entry carry only a teaser, so that its linked page should be read?

A teaser ends in an ellipsis or a "Continue reading"/"Read more" link, or is the short text
of an entry with a headline: an excerpt of a longer article. An entry without a headline
(a Mastodon or micro.blog post, a JSON Feed note), whose title names nothing but a version
(a release's "v2.4.0"), or whose title is only its text's first words cut short (a Twitter
bridge's "Bin collections are running a day…"), is whole however short: its text is the
post, and its page (an app shell, a release page) holds nothing more. The line WordPress
appends to every feed item ("The post ... appeared first on ...") is ignored: it says
nothing about whether the text is whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.model import Paragraph
from digest.text.headlines import names_nothing, opens_text

# An ellipsis at the very end, or a "continue reading" link standing after the last sentence
# ("… Continue reading →", "[Read more]", "Read the full story at Example News").
_TEASER_END = re.compile(
    r"(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\((?:…|\.\.\.|more…?)\))\s*$"
    r"|(?:^|[.!?…\]\)»\u203a:]\s*|\s[-\u2013\u2014|]\s*|\[)"
    r"(?:(?:continue|keep)\s+reading|read\s+(?:more|the\s+rest|(?:the\s+)?full\s+"
    r"(?:story|article|post))|click\s+here\s+to\s+read)\b[^.!?]{0,60}$",
    re.IGNORECASE,
)
# The line WordPress appends to every feed item; it says nothing about whether the text is full.
_FEED_FOOTER = re.compile(r"^the post .+ appeared first on .+$", re.IGNORECASE)


def is_teaser(
    paragraphs: Sequence[Paragraph], min_chars: int = 500, title: str | None = None
) -> bool:
    """Does a feed entry carry only a teaser, so that the linked page should be fetched?

    True when the text ends in an ellipsis or a "Continue reading"/"Read more" link, or is
    empty, or, for an entry whose ``title`` is a headline (not a version, nor the text's own
    opening cut short), is shorter than ``min_chars``
    characters (``title`` None: not known, taken for a headline).
    """
    body = [p.text.strip() for p in paragraphs if p.kind == "body" and p.text.strip()]
    while body and _FEED_FOOTER.match(body[-1]):
        body.pop()
    if not body:
        return True
    if _TEASER_END.search(body[-1][-120:]):
        return True
    if title is not None and (
        not title.strip() or names_nothing(title) or opens_text(title, " ".join(body))
    ):
        # A note: no headline of an article it could be an excerpt of. Its text is whole
        # unless it says it was cut, which the ending above tells.
        return False
    return sum(len(text) for text in body) < min_chars
