import dataclasses
import tomllib
from pathlib import Path

import pytest

from digest.config import (
    Config,
    ConfigError,
    EmailConfig,
    FetchConfig,
    ScheduleConfig,
    parse_config,
)
from digest.config.keys import (
    Choice,
    Integer,
    Interval,
    Key,
    Number,
    Section,
    Table,
    from_feed_scheme,
    with_scheme,
)
from digest.config.settings import EMAIL, FETCH, SCHEDULE, SOURCE, TOP, source_kinds
from digest.model import Source


@pytest.mark.parametrize(
    ("table", "dataclass"),
    [(FETCH, FetchConfig), (EMAIL, EmailConfig), (SCHEDULE, ScheduleConfig), (TOP, Config)],
)
def test_each_table_fills_its_dataclass_whose_defaults_are_the_tables(
    table: Table, dataclass: type
) -> None:
    fields = {f.name: f for f in dataclasses.fields(dataclass)}
    for key in table.keys:
        assert key.field in fields, key.name
        if fields[key.field].default is not dataclasses.MISSING:  # not the sections' tables
            assert fields[key.field].default == key.default, key.name
    if dataclass is not Config:  # which also says where it came from and what was left out
        code_only = getattr(dataclass, "CODE_ONLY", ())
        assert sorted(set(fields) - set(code_only)) == sorted(key.field for key in table.keys)


def test_source_defaults_agree_with_the_source_keys() -> None:
    # model.Source states them too, for code that builds sources without a config.
    fields = {f.name: f.default for f in dataclasses.fields(Source)}
    for key in [*SOURCE.keys, *(k for keys in source_kinds().values() for k in keys)]:
        if key.field in fields and not key.default_text:
            assert fields[key.field] == key.default, key.name


def test_every_key_says_what_it_does() -> None:
    for table in (TOP, SOURCE, FETCH, EMAIL, SCHEDULE):
        assert all(key.help for key in table.keys), table.name


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (Key("n", Integer(1, 20)), "an integer from 1 to 20"),
        (Key("n", Integer(1)), "a positive integer"),
        (Key("n", Integer(1, 65535, noun="port number")), "a port number from 1 to 65535"),
        (Key("n", Integer(0, 5), note="0 for none"), "an integer from 0 to 5 (0 for none)"),
        (Key("n", Number(0.1, 1024, "megabytes")), "a number of megabytes from 0.1 to 1024"),
        (Key("n", Choice(("a", "b", "c"))), '"a", "b" or "c"'),
        (Key("n", Choice(lambda: ["x", "y"])), '"x" or "y"'),
        (Key("n", Section(Table("email", ()))), "an [email] table"),
    ],
)
def test_what_a_value_must_be_is_worded_from_its_type(key: Key, expected: str) -> None:
    assert key.expected == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feed_days = 3651", "key 'feed_days' must be an integer from 1 to 3650, got 3651"),
        ("[fetch]\nmax_mb = 0.05", "key 'fetch.max_mb' must be a number of megabytes from 0.1"),
        ("[fetch]\nretries = true", "key 'fetch.retries' must be an integer from 0 to 10, got Tr"),
        ('[schedule]\nevery = "30s"', "key 'schedule.every' must be at least 1 minute, got '30s'"),
        ('[schedule]\nevery = "4000000d"', "key 'schedule.every' must be at most 366 days, got"),
        ("[email]\nto = 'a@x.org'", "key 'email.from' is missing; it must be a sender address"),
        ("email = 1", "'email' must be a table ([email]), got 1"),
        ("sources = 3", "key 'sources' must be a list of [[sources]] tables, got 3"),
        # every kind the registry has, worded as any other choice ('"feed", "folder" or ...')
        ('[[sources]]\npath = "a"\nkind = "blog"', f"must be {SOURCE['kind'].expected}, got"),
        ('[[sources]]\npath = "a"\nfull_text = 1', "#1: key 'full_text' must be true or"),
        ('language = "German"', "key 'language' must be a language tag (BCP 47), such as \"de\""),
        ("language = 49", "key 'language' must be a language tag (BCP 47), such as"),
        ('[[sources]]\npath = "a"\nlanguage = "de-"', "#1: key 'language' must be a lang"),
    ],
)
def test_errors_are_worded_from_the_key_tables(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text), path=tmp_path / "d.toml", base=tmp_path, strict=True)
    assert str(caught.value).startswith(f"{tmp_path / 'd.toml'}: ")
    assert message in str(caught.value)


def test_values_are_converted_by_their_type(tmp_path: Path) -> None:
    text = (
        '[fetch]\nconnect_timeout = 5\n[schedule]\nevery = "2h"\n'
        '[email]\nfrom = "a@x.org"\nto = "b@x.org"\nsmtp_host = "h"\nsecurity = "tls"\n'
    )
    config = parse_config(tomllib.loads(text), base=tmp_path)
    assert config.fetch.connect_timeout == 5.0 and isinstance(config.fetch.connect_timeout, float)
    assert config.schedule.every == 7200 and Interval().parse("90m", tmp_path) == 5400
    assert config.email is not None
    assert (config.email.recipients, config.email.smtp_port) == (("b@x.org",), 465)


def test_a_kind_s_keys_are_accepted_on_every_source_as_before(tmp_path: Path) -> None:
    # 'sources add --page --full-text' writes full_text on a page source.
    text = '[[sources]]\nurl = "https://x.org/a.html"\nkind = "page"\nfull_text = true\n'
    (source,) = parse_config(tomllib.loads(text), base=tmp_path, strict=True).sources
    assert (source.kind, source.options["full_text"]) == ("page", True)


def test_languages_are_read_as_language_tags(tmp_path: Path) -> None:
    assert parse_config({}, base=tmp_path).language == "en"
    text = 'language = "de_at"\n[[sources]]\npath = "a"\nlanguage = "PT-br"\n'
    config = parse_config(tomllib.loads(text), base=tmp_path, strict=True)
    assert config.language == "de-AT"
    assert config.sources[0].language == "pt-BR"
    # a language digest does not speak is still a language: the build falls back, with a warning
    assert parse_config({"language": "it"}, base=tmp_path).language == "it"


@pytest.mark.parametrize(
    ("link", "address"),
    [
        ("feed://example.net/rss.xml", "http://example.net/rss.xml"),
        ("FEED://example.net/rss.xml", "http://example.net/rss.xml"),
        ("feed:https://example.net/rss.xml", "https://example.net/rss.xml"),
        ("feed:http://example.net/rss.xml", "http://example.net/rss.xml"),
        ("feed:", ""),  # nothing it stands for
        ("feed:///rss.xml", ""),  # no host
        ("feed:example.net/rss.xml", ""),
        ("https://example.net/feed", ""),  # no feed: link at all
    ],
)
def test_a_feed_link_stands_for_its_web_address(link: str, address: str) -> None:
    assert from_feed_scheme(link) == address


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("example.org/feed", "https://example.org/feed"),  # copied from a browser's bar
        ("192.168.1.20:8080/rss", "http://192.168.1.20:8080/rss"),  # a private network's
        ("htp://example.net/rss", "http://example.net/rss"),  # a slip of the keys
        ("hhtp://example.net/rss", "http://example.net/rss"),
        ("htps://example.net/rss", "https://example.net/rss"),
        ("htttps://example.net/rss", "https://example.net/rss"),
        ("feed://example.net/rss.xml", "http://example.net/rss.xml"),
        ("ftp://example.net/rss", ""),  # another scheme: no slip to correct
        ("sftp://example.net/rss", ""),
        ("htp://", ""),  # no host to give it
        ("notes/feed", ""),  # a path
        ("feed", ""),
    ],
)
def test_an_address_that_is_not_quite_one_is_answered_with_the_one_meant(
    typed: str, meant: str
) -> None:
    assert with_scheme(typed) == meant
