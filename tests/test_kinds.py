"""The registry of kinds of source (digest.sources.kinds) and what it answers for the rest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path
from types import MappingProxyType

import pytest

from digest.config import ConfigError, parse_config
from digest.config.keys import Boolean, Key
from digest.config.settings import SOURCE, source_kinds
from digest.model import Article, Source
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.kinds import base
from digest.sources.kinds.base import Cursor, Document, Kind, Reading, newest

PAGES = Path(__file__).parent / "fixtures" / "pages"


def test_the_built_in_kinds_are_found_by_name_and_state_what_they_are() -> None:
    assert {"feed", "folder", "page"} <= set(kinds.names())
    assert list(kinds.names()) == sorted(kinds.names())
    assert all(isinstance(kinds.kind(name), Kind) for name in kinds.names())
    assert kinds.kind("feed").keys[0].name == "full_text"
    assert [k.name for k in kinds.kinds() if not k.has_backlog] == ["folder"]
    assert kinds.kind("feed").opml_type == "rss" and kinds.kind("page").opml_type == "link"
    assert kinds.kind("folder").opml_type is None  # a local path means nothing elsewhere


def test_the_config_asks_the_registry_for_the_kinds_and_their_keys() -> None:
    assert dict(source_kinds()) == {k.name: k.keys for k in kinds.kinds()}
    assert SOURCE["kind"].type.names() == kinds.names()  # type: ignore[attr-defined]


def test_an_unknown_kind_says_which_there_are() -> None:
    with pytest.raises(SourceError) as caught:
        kinds.kind("blog")
    assert caught.value.problem == "unknown kind of source 'blog'"
    assert all(f'"{name}"' in caught.value.advice for name in kinds.names())


def test_a_kind_is_guessed_from_the_location_as_before(tmp_path: Path) -> None:
    (tmp_path / "saved.xml").write_text("<rss/>", encoding="utf-8")
    assert kinds.guess(kinds.location_type(url="https://x.org/feed")).name == "feed"
    assert kinds.guess(kinds.location_type(path=tmp_path / "saved.xml")).name == "feed"
    assert kinds.guess(kinds.location_type(path=tmp_path)).name == "folder"
    assert kinds.guess(kinds.location_type(path=tmp_path / "missing")).name == "folder"
    assert kinds.guess(kinds.location_type(path=tmp_path / "missing.xml")).name == "feed"
    assert kinds.guess_text() == ('guessed: `"feed"` for a URL or a file, `"folder"` for a folder')


@pytest.mark.parametrize("kind", ["", 'kind = "feed"\n'])
def test_a_missing_feed_file_is_called_a_file_with_where_relative_paths_start(
    tmp_path: Path, kind: str
) -> None:
    from digest.config import load_config

    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "digest.toml").write_text(
        f'[[sources]]\nname = "Harbour"\npath = "feeds/harbour.xml"\n{kind}', encoding="utf-8"
    )
    (source,) = load_config(folder / "digest.toml").sources
    with pytest.raises(SourceError) as caught:
        kinds.kind(source.kind).read(source, Cursor(), dt.UTC)
    assert source.kind == "feed"
    assert caught.value.problem == f"file {folder / 'feeds' / 'harbour.xml'} does not exist"
    assert caught.value.advice == (
        "check the source's 'path' in the config; a relative path is taken from the folder "
        "the config file is in"
    )


@pytest.mark.parametrize(
    ("name", "body", "problem", "advice"),
    [
        ("notes.txt", b"Not a feed at all.", "not a feed: text", "read from a folder"),
        ("page.xml", b"<html><body><p>Hi</p></body></html>", "not a feed: an HTML", "'path'"),
        ("cut.json", b'{"items": [{"title": "Quay', "not a feed: truncated JSON", "'path'"),
        ("empty.xml", b"", "empty file", "'path'"),
    ],
)
def test_a_local_feed_file_that_is_no_feed_is_told_about_as_a_file_not_an_address(
    tmp_path: Path, name: str, body: bytes, problem: str, advice: str
) -> None:
    # (the parser's own advice is about a URL: a server sending an error page, a download
    # cut off that the next run fetches again)
    (tmp_path / name).write_bytes(body)
    source = Source(name, "feed", str(tmp_path / name))
    with pytest.raises(SourceError) as caught:
        kinds.kind("feed").read(source, Cursor(), dt.UTC)
    assert caught.value.problem.startswith(problem)
    assert advice in caught.value.advice
    assert not any(word in caught.value.advice for word in ("URL", "server", "download"))


def test_two_kinds_guessed_for_one_location_or_declaring_a_key_twice_are_refused() -> None:
    class Other(Kind):
        name = "other"
        guessed_for = frozenset({"folder"})

    folder = kinds.kind("folder")
    with pytest.raises(TypeError, match="kinds folder and other both guess folder"):
        kinds._check({"folder": folder, "other": Other()})

    class Clash(Kind):
        name = "clash"
        keys = (Key("full_text", Boolean(), True, "something else"),)

    with pytest.raises(TypeError, match="'clash' declares source key 'full_text' differently"):
        kinds._check({"feed": kinds.kind("feed"), "clash": Clash()})


def test_a_source_s_options_are_read_only_and_fall_back_to_the_kind_s_defaults() -> None:
    given = {"full_text": True}
    source = Source("News", "feed", "https://x.org/feed", options=given)
    given["full_text"] = False
    assert isinstance(source.options, MappingProxyType) and source.options["full_text"] is True
    with pytest.raises(TypeError):
        source.options["full_text"] = False  # type: ignore[index]
    feed = kinds.kind("feed")
    assert feed.option(source, "full_text") is True
    assert feed.option(Source("News", "feed", "https://x.org/feed"), "full_text") is False
    assert source == Source("News", "feed", "https://x.org/feed", options={"full_text": True})


def test_a_kind_s_own_keys_become_its_options_with_their_defaults(tmp_path: Path) -> None:
    text = '[[sources]]\nurl = "https://x.org/feed"\n[[sources]]\npath = "notes"\n'
    feed, folder = parse_config(tomllib.loads(text), base=tmp_path, strict=True).sources
    assert dict(feed.options) == {"full_text": False}
    assert dict(folder.options) == {}  # the folder kind has no keys of its own


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('url = "https://x.org/notes"\nkind = "folder"', "a folder source needs a 'path'"),
    ],
)
def test_a_kind_given_a_location_it_cannot_read_is_a_config_error(
    tmp_path: Path, entry: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(tomllib.loads(f"[[sources]]\n{entry}\n"), base=tmp_path, strict=True)


def test_the_interface_s_defaults_refuse_with_advice() -> None:
    class UrlOnly(Kind):
        name = "url-only"

    source = Source("S", "url-only", "/somewhere")
    with pytest.raises(SourceError, match="read from a 'url'") as caught:
        UrlOnly().read(source, Cursor(), dt.UTC)
    assert caught.value.advice
    with pytest.raises(SourceError, match="read from a local 'path'"):
        UrlOnly().parse(source, base.Fetched("https://x.org/"), Cursor())
    assert UrlOnly().request(source, Cursor(moved_to="https://y.org/", etag='"1"')) == (
        base.Request("https://y.org/", etag='"1"')
    )
    assert not UrlOnly().wants_page(source, Article("k", "S", "t", ()))

    class Listing(Kind):  # its articles are links, their text on their pages
        name = "listing"
        text_on_page = True

    assert Listing().wants_page(source, Article("k", "S", "t", ()))


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        (Document(b"Not HTML at all", "https://x.org/a", "x.org", "https://x.org/a"), "page"),
        (Document(b"Title\n\nBody.", "story.html", "pages"), "page"),  # by its name
        (Document(b"<!DOCTYPE html><p>x</p>", "-", "stdin"), "page"),  # by its bytes
        (Document(b"Title\n\nBody.", "story.txt", "notes"), "folder"),
        (Document(b"Title\n\nBody.", "-", "stdin"), "folder"),
    ],
)  # fmt: skip
def test_one_article_is_read_by_the_kind_that_claims_it_most_surely(
    document: Document, kind: str
) -> None:
    assert kinds.for_one_article(document).name == kind


def test_newest_keeps_the_newest_in_their_order_and_the_first_listed_of_a_tie() -> None:
    def article(key: str, day: int | None) -> Article:
        when = dt.datetime(2026, 11, day, tzinfo=dt.UTC) if day else None
        return Article(key, "S", key, (), published=when)

    listed = [
        article("a", 3),
        article("b", None),
        article("c", 5),
        article("d", 5),
        article("e", 1),
    ]
    assert [a.key for a in newest(listed, 2)] == ["c", "d"]
    assert [a.key for a in newest(listed, 3)] == ["a", "c", "d"]
    assert [a.key for a in newest(listed, None)] == ["a", "b", "c", "d", "e"]
    tie = [article("x", 5), article("y", 5), article("z", 5)]
    assert [a.key for a in newest(tie, 2)] == ["x", "y"]


def test_a_reading_and_a_cursor_hold_nothing_by_default() -> None:
    assert Reading(()).cursor == {} and Cursor().data == {}
    assert Reading(()).warnings == ()


# ---------------------------------------------------------------- a feed's declared language


@pytest.mark.parametrize(
    ("document", "language"),
    [
        (
            b"<rss><channel><title>T</title><language>de-de</language><item/></channel></rss>",
            "de-DE",
        ),
        (b"<rdf:RDF><channel><dc:language> fr </dc:language></channel></rdf:RDF>", "fr"),
        (
            b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es-MX">',
            "es-MX",
        ),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "language": "pt-BR", "items": []}',
            "pt-BR",
        ),
        # an item's own language is not the feed's
        (b'{"version": "1.1", "items": [{"id": "1", "language": "fr"}]}', None),
        (b"<rss><channel><language>English</language></channel></rss>", None),
        (b"<rss><channel><title>No language</title></channel></rss>", None),
        ("<rss><channel><language>de</language></channel></rss>".encode("utf-16"), "de"),
        # as some feeds write it
        (b"<rss><channel><language><![CDATA[nl-BE]]></language></channel></rss>", "nl-BE"),
        # a JSON Feed's keys come in any order: written sorted, "items" comes before "language"
        (
            b'{"home_page_url": "https://example.org/", "items": [{"id": "1", "language": "fr"}],'
            b' "language": "de", "title": "T", "version": "https://jsonfeed.org/version/1.1"}',
            "de",
        ),
    ],
)
def test_a_feed_s_declared_language_is_read_from_its_head(document: bytes, language) -> None:
    from digest.sources.kinds.feed import declared_language

    assert declared_language(document) == language


def test_a_local_feed_s_articles_carry_its_language_unless_they_know_their_own(
    tmp_path: Path,
) -> None:
    from digest.ingest import configured

    path = tmp_path / "feed.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://example.org/</link><language>de</language><item><title>Eins</title>"
        "<link>https://example.org/1</link><description>Ein Satz.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    source = Source("T", "feed", str(path))
    reading = kinds.kind("feed").read(source, Cursor(), dt.UTC)
    assert reading.language == "de"
    articles, labels = configured(source, reading)
    assert [labels(a).language for a in articles] == ["de"]
    own = Article("k", "T", "Title", (), language="fr")
    assert labels(own).language == "fr"  # an article's own language beats its feed's
    # the source's configured language beats both
    told = dataclasses.replace(source, language="nl")
    assert configured(told, reading)[1](own).language == "nl"
    assert configured(told, reading)[1](articles[0]).language == "nl"
    undeclared = dataclasses.replace(reading, language=None)
    assert configured(source, undeclared)[1](articles[0]).language is None


@pytest.mark.parametrize("full_text", [False, True])
def test_an_aggregators_redirect_page_is_never_fetched_for_text(full_text: bool) -> None:
    # A Google News item's link leads to a page that sends the browser on by script (or to a
    # consent page): reading it would put Google's text under the headline.
    from digest.sources.kinds.feed import FeedKind

    url = "https://news.example.org/feed.xml"
    source = Source("News", "feed", url, options={"full_text": full_text})
    shell = "https://news.google.com/rss/articles/CBMiX2h0dHBzOi8vd3d3?oc=5"
    assert not FeedKind().wants_page(source, Article("k", "S", "Rates held", (), url=shell))
    article = "https://www.reuters.com/markets/rates-held-2026-12-07/"
    assert FeedKind().wants_page(source, Article("k", "S", "Rates held", (), url=article))
