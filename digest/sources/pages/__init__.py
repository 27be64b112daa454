"""Article web pages → Article: trafilatura finds the body, this package removes what it leaves in.

Used when a feed entry carries only a teaser (or a source asks for full text) and for
``digest extract``. The contract: :func:`extract_page` takes a page's bytes (or text) and
returns a :class:`PageContent` holding the article's title, paragraphs and declared metadata,
or raises :class:`PageError` saying what is wrong and what to do; :func:`page_article` turns
that into a raw ``Article`` for a source; :func:`is_teaser` tells whether a feed entry's own
text is only a teaser. Nothing here touches the network.

The steps, one module each:

1. Decode the bytes, honouring the HTTP charset and then ``<meta charset>``
   (``digest.text.decode.decode_page``), and parse them (``extract``).
2. Read the metadata (title, author, publication time, canonical link) from the untouched page
   (``metadata``).
3. Strip page furniture that needs the DOM to recognise: captions and photo credits, byline,
   tag-list, share, newsletter, promo and related-article containers, hidden or pop-up text
   inside links, and the standfirst under the headline (``furniture``).
4. Run trafilatura in precision mode, with tables and no comments, and read its body tree into
   ``Paragraph`` objects: ``<head>`` → heading, code blocks → ``code``, data tables → ``row``
   paragraphs, layout tables → the text they hold (``extract``).
5. Tidy the page-shaped leftovers at the edges of the body: the headline or a date/byline line
   repeated as the first line, caption and photo-credit lines, a trailing tag list, and a body
   that the page printed twice (``tidy``).
6. When that result is implausible (empty, mostly a notice, or tiny against the page's prose
   or against the article body its JSON-LD declares or its Next.js data holds), ask
   readability-lxml too, read the declared body, and keep the result with clearly more
   article text, recording which and why in ``PageContent.extraction`` (``second_opinion``,
   ``app_data``).

Text boilerplate that is not about page layout (AI disclaimers, newsletter prompts written as
prose, copyright lines, duplicate paragraphs) is the normalise stage's job, run afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from digest.model import Article, Paragraph, Source
from digest.sources.errors import SourceError
from digest.sources.pages.second_opinion import Extraction
from digest.sources.pages.teaser import is_teaser
from digest.text.decode import decode_page, strip_control_chars

# The extractors (trafilatura, readability-lxml: a sixth of a second to import) are loaded
# by the first page extracted, not with this package: a build asks ``is_teaser`` of every
# entry in every process that takes a source's day, and most builds extract no page there.

__all__ = [
    "MIN_UNTYPED_ARTICLE_CHARS",
    "NO_ARTICLE",
    "NO_ARTICLE_ADVICE",
    "Extraction",
    "PageContent",
    "PageError",
    "extract_page",
    "is_teaser",
    "page_article",
]

# A page that declares no article type and yields less text than this is taken for an index,
# a consent wall or an error page rather than an article.
MIN_UNTYPED_ARTICLE_CHARS = 400

NO_ARTICLE = "no article text found on the page"
NO_ARTICLE_ADVICE = (
    "the address may be a home page, a section or search listing, a consent or paywall page, "
    "or a page that builds its text with JavaScript; use the article's own address"
)


@dataclass(frozen=True)
class PageContent:
    """What an article page says: its title, body and the metadata it declares."""

    title: str
    paragraphs: tuple[Paragraph, ...]
    published: dt.datetime | None = None  # aware UTC
    author: str | None = None
    url: str | None = None  # the canonical link, when the page declares one
    # which extractor's text this is, and why
    extraction: Extraction = field(default_factory=Extraction)


class PageError(SourceError):
    """A page with no article in it: ``problem`` says what happened, ``advice`` what to do."""


def extract_page(
    html: bytes | str, url: str | None = None, content_type: str | None = None
) -> PageContent:
    """Extract the article on an HTML page. ``url`` (where the page came from) resolves links;
    ``content_type`` is the HTTP Content-Type header, whose charset decides the decoding.

    Raises PageError when the page holds no article text.
    """
    from digest.sources.pages.extract import body_paragraphs, find_body, parse_html
    from digest.sources.pages.furniture import strip_furniture
    from digest.sources.pages.metadata import read_metadata
    from digest.sources.pages.second_opinion import (
        APP_DATA,
        DECLARED,
        choose,
        declared_paragraphs,
        doubt,
        readability_paragraphs,
    )
    from digest.sources.pages.tidy import tidy_paragraphs

    text = decode_page(html, content_type) if isinstance(html, bytes) else strip_control_chars(html)
    tree = parse_html(text)
    if tree is None:
        raise PageError(NO_ARTICLE, "the content is not an HTML page")
    try:
        metadata = read_metadata(tree, url)
        strip_furniture(tree, metadata.descriptions)
        body = find_body(tree, url)
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
        # lxml and trafilatura fail this way on pathological markup (deep nesting, bad bytes)
        raise PageError(NO_ARTICLE, f"the page's HTML could not be processed ({exc})") from exc
    paragraphs = tidy_paragraphs(
        body_paragraphs(body) if body is not None else [], metadata.titles, metadata.author
    )
    extraction = Extraction()
    stated = metadata.article_body or "\n".join(p.text for p in metadata.app_body)
    why = doubt(paragraphs, tree, stated)
    if why is not None:
        second = readability_paragraphs(tree, url)
        second = tidy_paragraphs(second, metadata.titles, metadata.author)
        declared = declared_paragraphs(metadata.article_body)
        declared = tidy_paragraphs(declared, metadata.titles, metadata.author)
        app = tidy_paragraphs(list(metadata.app_body), metadata.titles, metadata.author)
        paragraphs, extraction = choose(
            paragraphs, second, why, [(DECLARED, declared), (APP_DATA, app)]
        )
    body_chars = sum(len(p.text) for p in paragraphs if p.kind == "body")
    if body_chars == 0 or (
        not metadata.declares_article and body_chars < MIN_UNTYPED_ARTICLE_CHARS
    ):
        raise PageError(NO_ARTICLE, NO_ARTICLE_ADVICE)

    title = metadata.title or next((p.text for p in paragraphs if p.kind == "heading"), "")
    return PageContent(
        title=title,
        paragraphs=tuple(paragraphs),
        published=metadata.published,
        author=metadata.author,
        url=metadata.canonical_url,
        extraction=extraction,
    )


def page_article(content: PageContent, source: Source, *, key: str, url: str | None) -> Article:
    """The raw (not yet normalised) Article for a page read for ``source``.

    ``url`` is the address the article was found at (the feed entry's link); it is kept as the
    article's link when given, since a page's declared canonical is sometimes wrong (a site's
    home page on every article). The canonical link is used when no address is given. The
    source's ``category`` is ingest's to apply.
    """
    return Article(
        key=key,
        source=source.name,
        title=content.title,
        paragraphs=content.paragraphs,
        url=url or content.url,
        published=content.published,
        author=content.author,
        extraction=str(content.extraction),
    )
