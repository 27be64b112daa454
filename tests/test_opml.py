from pathlib import Path

import pytest

from digest.model import Source
from digest.sources.errors import SourceError
from digest.sources.opml import export_opml, parse_opml

FIXTURE = Path(__file__).parent / "fixtures" / "opml" / "subscriptions.opml"


def test_import_keeps_nested_categories_and_skips_unsafe_urls() -> None:
    found = parse_opml(FIXTURE.read_bytes())
    sources = found.sources
    assert [(s.name, s.category, s.location) for s in sources] == [
        ("Example World", "News/World", "https://news.example.org/world/rss.xml"),
        ("Le Monde diplomatique", "News/World", "https://example.fr/diplo.atom"),
        ("Local Gazette", "News", "http://gazette.example.com/feed"),
        ("Ana's blog", None, "https://ana.example.net/index.xml"),
        ("Ana's blog (2)", None, "https://ana.example.net/notes.xml"),  # names stay unique
    ]
    assert all(s.kind == "feed" for s in sources)
    (sneaky,) = found.skipped  # said to be, not dropped without a word
    assert (sneaky.line, sneaky.label, sneaky.url) == (14, "Sneaky", "javascript:alert(1)")
    assert sneaky.problem == "'javascript:alert(1)' is not a web address (http or https)"


def test_export_round_trips_through_import() -> None:
    sources = parse_opml(FIXTURE.read_bytes()).sources
    page = Source("Harbour page", "page", "https://news.example.org/harbour", category="News")
    local = [  # local folders and files mean nothing to another reader: not exported
        Source("Notes", "folder", "/somewhere/notes"),
        Source("Saved feed", "feed", "/somewhere/saved.xml"),
    ]
    exported = export_opml([*sources, page, *local], title="digest")
    assert b'<opml version="2.0">' in exported and b"/somewhere" not in exported
    assert sorted(parse_opml(exported).sources, key=repr) == sorted([*sources, page], key=repr)


def test_export_names_each_source_as_it_is_shown() -> None:
    # an unnamed source by its feed's title ('sources list' shows it so), not its made name
    unnamed = Source("example.org/asia.xml", "feed", "https://example.org/asia.xml", named=False)
    named = Source("Harbour News", "feed", "https://harbour.example/feed")
    exported = export_opml(
        [unnamed, named], names={unnamed.name: "example.org – Asia", named.name: "Harbour News"}
    )
    names = [s.name for s in parse_opml(exported).sources]
    assert names == ["example.org – Asia", "Harbour News"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"<html><body>hi</body></html>", "not an OPML file"),
        (b"<opml version='2.0'><head/>", "not a valid OPML file"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
    ],
)
def test_bad_files_give_clear_errors(data: bytes, problem: str) -> None:
    with pytest.raises(SourceError, match=problem):
        parse_opml(data)


def test_entities_are_never_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/f"/>'
        b"</body></opml>"
    )
    try:
        sources = parse_opml(data).sources
    except SourceError:
        return  # refusing the file is fine too
    assert all("root:" not in s.name for s in sources)


def test_an_outline_without_a_title_is_named_after_its_host_not_its_login() -> None:
    # the name goes into the config, and from there onto the digest's pages
    data = (
        b'<opml version="2.0"><body><outline type="rss" '
        b'xmlUrl="https://ana:hunter2@feeds.example.org/private.xml?token=s3cr3t"/>'
        b"</body></opml>"
    )
    (source,) = parse_opml(data).sources
    assert source.name == "feeds.example.org"
    assert source.location == "https://ana:hunter2@feeds.example.org/private.xml?token=s3cr3t"


NEW_USER = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>subs</title></head>
  <body>
    <outline text="Good" type="rss" xmlUrl="https://example.org/feed.xml"/>
    <outline text="No scheme" type="rss" xmlUrl="example.com/rss"/>
    <outline title="Typo" text="typo" type="rss" xmlUrl="htp://example.net/rss"/>
    <outline text="Reader link" type="rss" xmlUrl="feed://example.net/rss.xml"/>
    <outline text="Empty" type="rss" xmlUrl=""/>
    <outline text="Wrapped" xmlUrl="feed:https://example.net/atom.xml"/>
    <outline text="Nothing" type="rss"/>
    <outline text="Folder" xmlUrl="">
      <outline text="Inside" type="rss" xmlUrl="https://example.org/inside.xml"/>
    </outline>
    <outline xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_every_subscription_is_imported_or_said_to_be_skipped_with_its_line() -> None:
    found = parse_opml(NEW_USER)
    # a feed reader's feed: link is the web address it stands for, as readers take it
    assert [(s.name, s.location, s.category) for s in found.sources] == [
        ("Good", "https://example.org/feed.xml", None),
        ("Reader link", "http://example.net/rss.xml", None),
        ("Wrapped", "https://example.net/atom.xml", None),
        ("Inside", "https://example.org/inside.xml", "Folder"),  # a folder, whatever its xmlUrl
    ]
    # the others are not taken on a guess (no more than the config or 'sources add' take
    # them), but named, each with its line and why, and what it most likely meant
    assert [(s.line, s.label, s.kind, s.problem, s.meant) for s in found.skipped] == [
        (
            6,
            "No scheme",
            "feed",
            "'example.com/rss' is not a web address (http or https)",
            "https://example.com/rss",
        ),
        (
            7,
            "Typo",
            "feed",
            "'htp://example.net/rss' is not a web address (http or https)",
            "http://example.net/rss",
        ),
        (9, "Empty", "feed", "its xmlUrl is empty", ""),
        (11, "Nothing", "feed", "its xmlUrl is missing", ""),
        (15, "", "feed", "'file:///etc/passwd' is not a web address (http or https)", ""),
    ]


def test_a_subscription_whose_address_names_no_server_is_skipped_and_said_to_be() -> None:
    # The config refuses such an address (no host, a port past 65535): imported, it made the
    # whole config refused, and so the import with it
    found = parse_opml(
        b'<?xml version="1.0"?><opml version="2.0"><head/><body>\n'
        b'<outline type="rss" text="Slash" xmlUrl="https:/example.org/feed"/>\n'
        b'<outline type="rss" text="Port" xmlUrl="http://example.org:99999/feed"/>\n'
        b'<outline type="rss" text="Good" xmlUrl="https://example.org/good.xml"/>\n'
        b"</body></opml>"
    )
    assert [s.name for s in found.sources] == ["Good"]
    assert [(s.label, s.problem, s.meant) for s in found.skipped] == [
        ("Slash", "'https:/example.org/feed' names no server", "https://example.org/feed"),
        ("Port", "'http://example.org:99999/feed' names no server", ""),
    ]


def test_export_writes_names_with_control_characters_without_them() -> None:
    # A config's own name or title may hold one (TOML writes "\u0007"): lxml refused it,
    # and 'digest sources export' stopped with a traceback
    bell = Source("Bell\x07 News", "feed", "https://example.org/feed.xml", category="Ne\x1bws")
    data = export_opml([bell], title="Mine\x1b[2J")
    assert b"\x07" not in data and b"\x1b" not in data
    (found,) = parse_opml(data).sources
    assert (found.name, found.category) == ("Bell News", "News")
