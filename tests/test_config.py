import datetime as dt
import time
import tomllib
from pathlib import Path

import pytest
from stateholder import held_whole

from digest.config import (
    Config,
    ConfigError,
    add_sources_to_file,
    default_config,
    keyed_by_state,
    load_config,
    parse_config,
    remove_source_from_file,
    renamed_sources,
)
from digest.model import Source
from digest.state import SourceHealth, State, StoredSource

FULL = """
title = "Morning Read"
site_url = "https://example.org/digest"
output = "public"
lead_sentences = 2
summary_chars = 400
timezone = "Europe/Paris"
feed_days = 14

[[sources]]
name = "Local notes"
path = "articles"
category = "Notes"

[[sources]]
url = "https://example.org/feed.xml"
max_items = 20
full_text = true
"""


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config_is_parsed_into_typed_values(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, FULL))
    assert config.title == "Morning Read"
    assert config.site_url == "https://example.org/digest/"  # a trailing slash is added
    assert config.output == (tmp_path / "public").resolve()
    assert config.state == (tmp_path / "digest-state.sqlite").resolve()
    assert (config.lead_sentences, config.summary_chars, config.feed_days) == (2, 400, 14)
    assert config.tz_name == "Europe/Paris"
    local, feed = config.sources
    assert (local.name, local.kind, local.category) == ("Local notes", "folder", "Notes")
    assert local.location == str((tmp_path / "articles").resolve())
    assert (feed.name, feed.kind, feed.max_items, feed.options["full_text"]) == (
        "example.org",
        "feed",
        20,
        True,
    )


def test_defaults_read_seeds_and_write_output(tmp_path: Path) -> None:
    config = default_config(tmp_path)
    (source,) = config.sources
    assert source.location == str(tmp_path / "seeds")
    assert config.output == tmp_path / "output"
    assert config.lead_sentences == 3 and config.feed_days == 30


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('lead_sentences = "three"', ["lead_sentences", "integer"]),
        ("lead_sentences = 0", ["lead_sentences", "1 to 20"]),
        ('timezone = "Mars/Olympus"', ["timezone", "IANA"]),
        ('site_url = "example.org"', ["site_url", "absolute"]),
        ('colour = "blue"', ["unknown key 'colour'", "known keys"]),
        ("[[sources]]\nname = 'x'", ["[[sources]] #1: line 1: ", "'url' or 'path'"]),
        ('[[sources]]\nurl = "ftp://x.org/feed"', ["#1: line 2: key 'url'", "http(s)"]),
        ('[[sources]]\npath = "a"\nmax_items = -1', ["line 3: key 'max_items'", "positive"]),
        (
            '[[sources]]\npath = "a"\nfull_txt = true',
            ["line 3: unknown key 'full_txt', did you mean 'full_text'?"],
        ),
        ('titel = "Morning"', ["unknown key 'titel', did you mean 'title'?"]),
        ("[fetch]\nworkrs = 2", ["unknown key 'fetch.workrs', did you mean 'fetch.workers'?"]),
        (
            '[[sources]]\npath = "a"\nful_text = true',
            ["[[sources]] #1: line 3: unknown key 'ful_text', did you mean 'full_text'?"],
        ),
        ("xyzzy = 1", ["unknown key 'xyzzy' (known keys: also_today_limit"]),  # nothing close
        # the line of the key, as a TOML syntax error has it (tomllib gives none)
        ('title = "x"\n\nlead_sentences = "many"', ["toml: line 3: key 'lead_sentences'"]),
        ("[fetch]\n# how long\n timeout = -3", ["toml: line 3: key 'fetch.timeout' must"]),
        (
            '[[sources]]\npath = "a"\n[[sources]]\npath = "b"\nname = """\nmax_items = 1\n"""\n'
            "max_items = 0",
            ["[[sources]] #2: line 8: key 'max_items'"],  # not the line inside the string
        ),
        # an address copied without its scheme
        ('[[sources]]\nurl = "example.org/feed"', ["did you mean 'https://example.org/feed'?"]),
        (
            '[[sources]]\nurl = "127.0.0.1:59931/feed"',
            ["did you mean 'http://127.0.0.1:59931/feed'?"],
        ),
        ('site_url = "example.org/news/"', ["did you mean 'https://example.org/news/'?"]),
        ('[[sources]]\nurl = "feed"', ["must be an http(s) URL", "got 'feed'"]),
        # a scheme that is a slip of the keys for http or https, and a feed reader's link
        ('[[sources]]\nurl = "htp://example.net/rss"', ["did you mean 'http://example.net/rss'?"]),
        (
            '[[sources]]\nurl = "htps://example.net/rss"',
            ["did you mean 'https://example.net/rss'?"],
        ),
        ('[[sources]]\nurl = "feed://example.net/x"', ["did you mean 'http://example.net/x'?"]),
        # an address with no host, a slash or the colon short (it was taken, and the source
        # shown everywhere by an empty name, its fetch failing every run), or a port that
        # cannot be one, or a host with a space in it
        (
            '[[sources]]\nurl = "https:/example.net/rss"',
            ["did you mean 'https://example.net/rss'?"],
        ),
        ('[[sources]]\nurl = "http//example.net/rss"', ["did you mean 'http://example.net/rss'?"]),
        (
            '[[sources]]\nurl = "https:///example.net/rss"',
            ["did you mean 'https://example.net/rss'?"],
        ),
        ('[[sources]]\nurl = "https:example.net"', ["did you mean 'https://example.net'?"]),
        ('[[sources]]\nurl = "http:///feed.xml"', ["key 'url'", "got 'http:///feed.xml'"]),
        ('[[sources]]\nurl = "http://example.net:87340/rss"', ["key 'url'", "got 'http://exa"]),
        ('[[sources]]\nurl = "http://exa mple.net/rss"', ["key 'url'", "got 'http://exa mple"]),
        ('timezone = "Paris"', ["line 1: key 'timezone'", "did you mean 'Europe/Paris'?"]),
        ('timezone = "new york"', ["did you mean 'America/New_York'?"]),
        ('timezone = "Europe/Pariss"', ["did you mean 'Europe/Paris'?"]),
        ('timezone = "Louisville"', ["'America/Kentucky/Louisville' or 'America/Louisville'"]),
        # a table's name mistyped: the line of its header, as a key's
        ('title = "x"\n[[source]]\nurl = "https://a.org/"', ["line 2: unknown key 'source'"]),
        ('title = "x"\n\n[fetsh]\nworkers = 2', ["line 3: unknown key 'fetsh', did you mean"]),
        (
            '[[sources]]\npath = "a"\n[[sources]]\npath = "b/a"',
            ["[[sources]] #2: line 4: two sources share the name 'a'", "[[sources]] #1 (line 2)"],
        ),
        (
            '[[sources]]\nname = "A"\npath = "a"\n\n[[sources]]\npath = "b"\nname = "A"',
            ["[[sources]] #2: line 7: two sources share the name 'A'", "[[sources]] #1 (line 2)"],
        ),
        (
            '[[sections]]\nname = "Tech"\n[[sections]]\nname = "Tech"',
            ["[[sections]] #2: line 4: the name 'Tech' is the name of [[sections]] #1 too"],
        ),
        ('[schedule]\nat = "07:00"\nevery = "6h"', ["line 3: [schedule] sets both 'at'"]),
        ('templates = "nowhere"', ["templates", "existing folder"]),
    ],
)
def test_errors_name_the_file_the_key_and_the_expectation(
    tmp_path: Path, text: str, names: list[str]
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, strict=True)
    message = str(caught.value)
    assert str(path) in message
    for name in names:
        assert name in message


@pytest.mark.parametrize(
    ("written", "meant", "offset"),
    [
        ("GMT+2", "Etc/GMT-2", "UTC+2"),
        ("GMT-5", "Etc/GMT+5", "UTC-5"),
        ("UTC+02:00", "Etc/GMT-2", "UTC+2"),
        ("utc-3", "Etc/GMT+3", "UTC-3"),
        ("+10", "Etc/GMT-10", "UTC+10"),
        ("UTC-00:00", "UTC", "UTC+0"),
    ],
)
def test_a_timezone_written_as_a_utc_offset_is_told_the_name_of_that_offset(
    tmp_path: Path, written: str, meant: str, offset: str
) -> None:
    # "GMT-5" was told "did you mean 'Etc/GMT-5'?": a name spelt alike whose offset is the
    # other way round (IANA's Etc names have POSIX's sign), UTC+5 for New York's UTC-5, so a
    # user who took it had "today" and every time on the page ten hours off
    path = write_config(tmp_path, f'timezone = "{written}"')
    with pytest.raises(ConfigError) as caught:
        load_config(path, strict=True)
    message = str(caught.value)
    assert f"did you mean '{meant}'? ({offset}:" in message, message
    assert message.count("'Etc/GMT") == (meant != "UTC"), message  # that name alone
    assert "summer time" in message


def test_a_utc_offset_no_timezone_name_has_is_told_to_name_a_city(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'timezone = "UTC+05:30"')
    with pytest.raises(ConfigError) as caught:
        load_config(path, strict=True)
    message = str(caught.value)
    assert "UTC+5:30 has no timezone name of its own" in message, message
    assert "Etc/GMT" not in message


MISTAKES = """\
max_stories = "40"
timezone = "Paris"
colour = "blue"

[fetch]
workrs = 2
timeout = -3

[[sources]]
url = "https://example.org/feed.xml"

[[sources]]
url = "htp://example.net/rss"

[[source]]
url = "https://example.org/other.xml"

[[sections]]
name = "Tech"
limit = 0

[schedule]
at = "7 am"
"""


def test_every_mistake_is_named_in_one_run_in_the_order_of_its_lines(tmp_path: Path) -> None:
    # A user fixing a config for cron should not meet one mistake per run, and not the
    # second line's before the first's: each is named, at its line, top to bottom.
    path = write_config(tmp_path, MISTAKES)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    each = [str(error) for error in caught.value.each]
    starts = [
        "line 1: key 'max_stories' must be",
        "line 2: key 'timezone'",
        "line 3: unknown key 'colour'",
        "line 6: unknown key 'fetch.workrs'",
        "line 7: key 'fetch.timeout' must be",
        # a wrong [[sources]] entry alone stops nothing; named with the rest, it is fixed too
        "[[sources]] #2: line 13: key 'url'",
        "line 15: unknown key 'source', did you mean 'sources'?",
        "[[sections]] #1: line 20: key 'limit' must be",
        "line 23: key 'schedule.at' must be",
    ]
    assert len(each) == len(starts)
    for message, start in zip(each, starts, strict=True):
        assert message.startswith(f"{path}: {start}"), message
    assert "did you mean 'Europe/Paris'?" in each[1]
    assert "did you mean 'http://example.net/rss'?" in each[5]
    assert str(caught.value) == "; ".join(each)  # one line, for a log


def test_unknown_keys_each_say_their_fix_and_list_the_known_keys_once_per_table(
    tmp_path: Path,
) -> None:
    # Three misspelt keys printed the table's every key three times over, burying each fix:
    # a guess is enough, and a key with none lists the table's keys, the first such only.
    path = write_config(
        tmp_path,
        'lead_sentnces = 2\nsummry_chars = 300\ncolour = "blue"\nxyzzy = 1\nfeed_dayz = 3\n'
        "[fetch]\nworkrs = 2\nplugh = 1\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    top = "known keys: also_today_limit, articles_feed, author, default_section, email, "
    assert [str(error).removeprefix(f"{path}: ") for error in caught.value.each] == [
        "line 1: unknown key 'lead_sentnces', did you mean 'lead_sentences'?",
        "line 2: unknown key 'summry_chars', did you mean 'summary_chars'?",
        f"line 3: unknown key 'colour' ({top}exclude, feed_days, fetch, first_run_hours, "
        "include, keep_days, language, lead_sentences, max_per_source, max_stories, output, "
        "rules, schedule, sections, site_url, sources, sponsored, state, stories, "
        "summary_chars, templates, timezone, title)",
        "line 4: unknown key 'xyzzy'",
        "line 5: unknown key 'feed_dayz', did you mean 'feed_days'?",
        "line 7: unknown key 'fetch.workrs', did you mean 'fetch.workers'?",
        "line 8: unknown key 'fetch.plugh' (known keys: allow_private, connect_timeout, "
        "full_text_limit, full_text_seconds, max_mb, retries, timeout, workers)",
    ]


def test_a_config_with_one_mistake_raises_that_one_alone(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'title = "x"\nlead_sentences = 0\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.each == (caught.value,)
    assert str(caught.value).startswith(f"{path}: line 2: key 'lead_sentences' must be")


def test_one_address_read_by_two_named_sources_is_said_to_be_not_refused(tmp_path: Path) -> None:
    # They may differ on purpose (one keeps the tech articles of a feed, in its own
    # section); but each is fetched on its own every build, which a copied entry did silently.
    path = write_config(
        tmp_path,
        '[[sources]]\nname = "Harbour"\nurl = "https://example.org/feed.xml"\n\n'
        '[[sources]]\npath = "a"\n\n'
        '[[sources]]\nname = "Harbour tech"\nurl = "https://Example.org/feed.xml#x"\n'
        'include = ["tech"]\ncategory = "Tech"\n'
        '[[sources]]\nname = "Notes"\npath = "a"\n',
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["Harbour", "a", "Harbour tech", "Notes"]
    assert config.warnings == (
        f"{path}: [[sources]] #1 (line 3) and [[sources]] #3 (line 10) read the same address "
        "(on example.org): it is fetched once for each of them, every build; keep one, unless "
        "they differ on purpose (their filters, category or options)",
        f"{path}: [[sources]] #2 (line 6) and [[sources]] #4 (line 15) read the same path "
        f"({(tmp_path / 'a').resolve()}): it is fetched once for each of them, every build; "
        "keep one, unless they differ on purpose (their filters, category or options)",
    )
    other = write_config(tmp_path, '[[sources]]\nurl = "https://example.org/a.xml"\n')
    assert load_config(other).warnings == ()


def test_a_refused_config_carries_what_it_would_warn_of(tmp_path: Path) -> None:
    # Said with the errors, not only once they are fixed (the command line shows them after)
    sources = (
        '[[sources]]\nname = "A"\nurl = "https://example.org/feed.xml"\n'
        '[[sources]]\nname = "B"\nurl = "https://example.org/feed.xml"\n'
    )
    for mistakes in ('lead_sentences = 0\ntitel = "x"\n', "lead_sentences = 0\n"):
        path = write_config(tmp_path, mistakes + sources)
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert len(caught.value.each) == mistakes.count("\n")  # (one is raised as itself)
        (warning,) = caught.value.warnings
        first = mistakes.count("\n") + 3
        assert warning.startswith(
            f"{path}: [[sources]] #1 (line {first}) and [[sources]] #2 (line {first + 3}) read"
        )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('site_url = "https://[2001:db8::1/digest/"', ["site_url", "absolute"]),
        ('output = "~no-such-user-here/public"', ["output", "folder path"]),
        ('output = "pub\\u0000lic"', ["output", "folder path"]),
        ('timezone = "Europe"', ["timezone", "IANA"]),
    ],
)
def test_a_value_python_cannot_even_take_apart_is_a_config_error(
    tmp_path: Path, text: str, names: list[str]
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    for name in [str(path), *names]:
        assert name in str(caught.value)


def test_a_source_url_python_cannot_take_apart_leaves_only_that_source_out(
    tmp_path: Path,
) -> None:
    path = write_config(
        tmp_path,
        '[[sources]]\nname = "Broken"\nurl = "http://[::1/feed.xml"\n'
        '[[sources]]\nname = "Fine"\nurl = "https://example.org/feed.xml"\n',
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["Fine"]
    (failure,) = config.invalid_sources
    assert failure.source == "Broken" and "[[sources]] #1: line 3: key 'url'" in failure.problem


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'title = "unterminated\n')
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 1"):
        load_config(path)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # the commonest mistakes by hand: a value without its quotes, a quote left open
        (
            'title = "x"\nsite_url = https://me.example/d/\n',
            "line 2: site_url = https://me.example/d/ (Invalid value; a text value is written "
            'in quotes: site_url = "https://me.example/d/")',
        ),
        (
            'title = "My digest\nkeep_days = 30\n',
            'line 1: title = "My digest (Illegal character',
        ),
        ('title = "x"\ntitle = "y"\n', 'line 2: title = "y" (Cannot overwrite a value'),
        # a line separator inside an earlier value is no line break to TOML
        ('title = "a\u2028b"\nname = Tech\n', "line 2: name = Tech (Invalid value"),
        ('title = "a\x85b"\nname = Tech\n', "line 2: name = Tech (Invalid value"),
        # the last line of a file without a final newline, which tomllib calls its end
        ('title = "x"\nname = "Tech', 'line 2: name = "Tech (Unterminated string)'),
        # a long line is shortened in the hint too
        ("name = " + "x" * 500 + "\n", 'name = "' + "x" * 80 + '…")'),
    ],
)
def test_a_toml_mistake_quotes_its_line_and_says_what_it_usually_is(
    tmp_path: Path, text: str, said: str
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert said in str(raised.value)


def test_a_toml_mistake_on_a_long_line_of_spaces_is_reported_at_once(tmp_path: Path) -> None:
    path = write_config(tmp_path, "name = Tech" + " " * 20_000 + "x\n")
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="line 1"):
        load_config(path)
    assert time.perf_counter() - started < 0.5


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_email_and_schedule_sections(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[email]\nfrom = "Digest <digest@example.org>"\nto = ["a@example.org", "b@example.org"]\n'
        'smtp_host = "smtp.example.org"\nusername = "digest"\npassword_file = "secret.txt"\n'
        '[schedule]\nat = "6:30"\n',
    )
    config = load_config(path)
    assert config.email is not None
    assert config.email.recipients == ("a@example.org", "b@example.org")
    assert (config.email.smtp_port, config.email.security) == (587, "starttls")
    assert config.email.password_file == (tmp_path / "secret.txt").resolve()
    assert (config.schedule.at, config.schedule.every) == ("06:30", None)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[email]\nto = ["a@x.org"]\nsmtp_host = "h"', ["email.from", "missing"]),
        ('[email]\nfrom = "a@x.org"\nto = []\nsmtp_host = "h"', ["email.to", "recipient"]),
        ('[email]\nfrom="a@x.org"\nto="b@x.org"\nsmtp_host="h"\npassword="x"', ["email.password"]),
        ('[email]\nfrom="a@x.org"\nto="b@x.org"\nsmtp_host="h"\nsecurity="ssl"', ["starttls"]),
        ('[schedule]\nat = "25:00"', ["schedule.at", "HH:MM"]),
        ('[schedule]\nevery = "often"', ["schedule.every", "6h"]),
        # both: 'every' used to win silently
        ('[schedule]\nat = "07:00"\nevery = "6h"', ["[schedule]", "'at'", "'every'", "keep one"]),
    ],
)
def test_email_and_schedule_errors(tmp_path: Path, text: str, names: list[str]) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    for name in [str(path), *names]:
        assert name in str(caught.value)


def test_interval_schedule(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, '[schedule]\nevery = "90m"\n'))
    assert config.schedule.every == 5400


def test_fetch_section_and_first_run_window(tmp_path: Path) -> None:
    text = "first_run_hours = 48\n[fetch]\nworkers = 4\ntimeout = 20\nmax_mb = 2.5\n"
    config = load_config(write_config(tmp_path, text))
    assert config.first_run_hours == 48
    assert (config.fetch.workers, config.fetch.timeout, config.fetch.max_mb) == (4, 20.0, 2.5)
    assert config.fetch.retries == 2  # default kept


def test_fetch_errors(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[fetch]\nworkers = 0\n")
    with pytest.raises(ConfigError, match=r"fetch\.workers.*1 to 64"):
        load_config(path)


ONE_SOURCE = """# my digest
title = "Morning Read"  # shown on every page

[fetch]
workers = 2

# what I read
[[sources]]
name = "A"  # the only one
url = "https://a.example.org/feed.xml"
"""


def test_removing_the_last_source_leaves_a_config_that_sources_can_be_added_to(
    tmp_path: Path,
) -> None:
    path = write_config(tmp_path, ONE_SOURCE)
    config, name = remove_source_from_file(path, "A")
    assert name == "A" and config.sources == ()
    assert load_config(path).sources == ()  # no sources, not the default seeds/ folder

    add_sources_to_file(path, [{"name": "B", "url": "https://b.example.org/feed.xml"}])
    config = load_config(path)
    assert [(s.name, s.location) for s in config.sources] == [
        ("B", "https://b.example.org/feed.xml")
    ]
    assert config.fetch.workers == 2 and config.title == "Morning Read"
    text = path.read_text("utf-8")
    assert text.startswith("# my digest\n")
    assert "# shown on every page" in text and "# what I read" in text


TWO_SOURCES_THEN_EMAIL = """title = "Morning Read"

[[sources]]
name = "A"
url = "https://a.example.org/feed.xml"

[[sources]]
name = "B"
url = "https://b.example.org/feed.xml"

# the office relay: ask IT before changing it
[email]
from = "d@example.org"
to = "me@example.org"
smtp_host = "relay.example.org"
"""
EMAIL_COMMENT = "\n\n# the office relay: ask IT before changing it\n[email]\n"


@pytest.mark.parametrize("name", ["A", "B"])
def test_removing_a_source_keeps_the_comment_above_the_table_after_it(
    tmp_path: Path, name: str
) -> None:
    path = write_config(tmp_path, TWO_SOURCES_THEN_EMAIL)
    remove_source_from_file(path, name)
    text = path.read_text("utf-8")
    assert EMAIL_COMMENT in text
    remove_source_from_file(path, "B" if name == "A" else "A")  # the last one too
    assert EMAIL_COMMENT in path.read_text("utf-8")
    assert load_config(path).email is not None


def test_adding_a_source_puts_it_above_the_comment_on_the_table_after_the_sources(
    tmp_path: Path,
) -> None:
    path = write_config(tmp_path, TWO_SOURCES_THEN_EMAIL)
    add_sources_to_file(path, [{"name": "C", "url": "https://c.example.org/feed.xml"}])
    text = path.read_text("utf-8")
    assert (
        'url = "https://b.example.org/feed.xml"\n\n[[sources]]\nname = "C"\n'
        'url = "https://c.example.org/feed.xml"' + EMAIL_COMMENT
    ) in text
    assert [s.name for s in load_config(path).sources] == ["A", "B", "C"]


@pytest.mark.parametrize("empty", ["sources = []", "sources = [  ]  # none yet"])
def test_sources_are_added_to_a_config_with_an_inline_empty_sources_list(
    tmp_path: Path, empty: str
) -> None:
    text = f'# my digest\ntitle = "T"  # the title\n{empty}\n\n[fetch]\nworkers = 2\n'
    path = write_config(tmp_path, text)
    assert load_config(path).sources == ()
    add_sources_to_file(
        path,
        [
            {"name": "B", "url": "https://b.example.org/feed.xml"},
            {"name": "C", "url": "https://c.example.org/feed.xml", "category": "News"},
        ],
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["B", "C"]
    assert config.sources[1].category == "News" and config.fetch.workers == 2
    written = path.read_text("utf-8")
    assert written.startswith("# my digest\n") and "# the title" in written


def test_sources_are_added_to_an_inline_list_of_sources(tmp_path: Path) -> None:
    text = 'sources = [\n  { name = "A", url = "https://a.example.org/feed.xml" },  # first\n]\n'
    path = write_config(tmp_path, text)
    add_sources_to_file(path, [{"name": "B", "url": "https://b.example.org/feed.xml"}])
    assert [s.name for s in load_config(path).sources] == ["A", "B"]
    assert "# first" in path.read_text("utf-8")


@pytest.mark.parametrize(
    ("entry", "name", "words"),
    [
        ('name = "Typo"\nurl = "htps://example.org/feed"', "Typo", ["#2: line 5: key 'url'"]),
        ('path = "b"\nmax_items = -1', "b", ["#2: line 5: key 'max_items'", "positive"]),
        ('category = "News"', "[[sources]] #2", ["#2: line 3: needs", "'url' or 'path'"]),
    ],
)
def test_a_wrong_source_entry_is_left_out_and_reported_not_fatal(
    tmp_path: Path, entry: str, name: str, words: list[str]
) -> None:
    path = write_config(tmp_path, f'[[sources]]\npath = "a"\n[[sources]]\n{entry}\n')
    config = load_config(path)
    assert [s.name for s in config.sources] == ["a"]
    (failure,) = config.invalid_sources
    assert failure.source == name
    assert str(path) in failure.problem and all(w in failure.problem for w in words)
    assert "other sources" in failure.advice


def test_sources_left_unnamed_get_unique_names_from_their_addresses(tmp_path: Path) -> None:
    config = parse_config(
        {
            "sources": [
                {"url": "https://example.org/world.xml"},
                {"url": "https://example.org/tech.xml"},
                {"url": "https://other.example/feed"},
                {"url": "https://named.example/rss", "name": "Named"},
            ]
        },
        base=tmp_path,
    )
    assert [(s.name, s.named) for s in config.sources] == [
        ("example.org/world.xml", False),
        ("example.org/tech.xml", False),
        ("other.example", False),
        ("Named", True),
    ]


def test_a_name_made_from_an_address_never_shows_its_login_or_its_query(tmp_path: Path) -> None:
    # A made name is shown to the digest's readers (bylines, the failed sources), and a
    # private feed's address carries its password or token: the name keeps the host.
    config = parse_config(
        {
            "sources": [
                {"url": "https://ana:hunter2@feeds.example.org:8443/private.xml"},
                {"url": "https://example.org/feed?token=s3cr3t"},
                {"url": "https://example.org/feed?token=0th3r"},
                {"url": "https://example.org/tech"},
                {"url": "https://other.example/feed"},
                {"url": "https://other.example/news"},
                {"url": "https://other.example/feed?token=t0k3n", "name": "other.example/feed"},
            ]
        },
        base=tmp_path,
    )
    assert [s.name for s in config.sources] == [
        "feeds.example.org:8443",
        "example.org/feed",
        "example.org/feed (2)",  # told apart by their order, not by their tokens
        "example.org/tech",
        "other.example/feed (2)",  # the name given to another source is kept for it
        "other.example/news",
        "other.example/feed",
    ]
    assert [s.location for s in config.sources][1:3] == [
        "https://example.org/feed?token=s3cr3t",
        "https://example.org/feed?token=0th3r",
    ]


def test_one_address_given_twice_unnamed_is_still_refused(tmp_path: Path) -> None:
    url = {"url": "https://example.org/feed?token=s3cr3t"}
    with pytest.raises(ConfigError) as caught:
        parse_config({"sources": [url, dict(url)]}, base=tmp_path)
    assert str(caught.value).startswith(
        "config: [[sources]] #2: reads the same address as [[sources]] #1, and neither is "
        "named: the two would share the name 'example.org/feed'"
    )


@pytest.mark.parametrize(
    "again",
    [
        "HTTPS://Example.org/feed?token=s3cr3t",  # its scheme and host in capitals
        "https://example.org/feed?token=s3cr3t#latest",  # a fragment, which is never sent
        "https://example.org:443/feed?token=s3cr3t",  # its scheme's own port
    ],
)
def test_one_address_given_twice_unnamed_in_two_spellings_is_refused_too(
    tmp_path: Path, again: str
) -> None:
    # Numbered apart ("example.org/feed (2)") and only warned of: the one feed was fetched
    # twice every build, each of its entries shown as its own copy in its story
    with pytest.raises(ConfigError) as caught:
        parse_config(
            {"sources": [{"url": "https://example.org/feed?token=s3cr3t"}, {"url": again}]},
            base=tmp_path,
        )
    assert str(caught.value).startswith(
        "config: [[sources]] #2: reads the same address as [[sources]] #1, written otherwise "
        f"('{again}'), and neither is named: the feed would be fetched and its entries shown "
        "twice"
    )


def test_a_wrong_entry_left_unnamed_is_named_after_its_host_not_its_login(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[[sources]]\npath = "a"\n'
        '[[sources]]\nurl = "ftp://ana:hunter2@files.example.org/feed?token=s3cr3t"\n'
        '[[sources]]\npath = "/home/ana/notes/feed.xml"\nmax_items = 0\n',
    )
    config = load_config(path)
    assert [f.source for f in config.invalid_sources] == ["files.example.org", "feed.xml"]
    assert {f.reason for f in config.invalid_sources} == {"config"}


def test_a_wrong_entry_is_told_apart_from_a_source_of_its_host(tmp_path: Path) -> None:
    # A build said "fetched: example.org" and "source failed: example.org" for two entries,
    # and `check` listed two wrong entries under one name.
    path = write_config(
        tmp_path,
        '[[sources]]\nurl = "https://example.org/world.xml"\n'
        '[[sources]]\nurl = "https://example.org/tech.xml"\nful_text = true\n'
        '[[sources]]\nurl = "https://example.org/tech.xml?page=2"\nful_text = true\n'
        '[[sources]]\nurl = "https://other.example/feed"\nmax_items = -1\n',
    )
    config = load_config(path)
    assert [s.name for s in config.sources] == ["example.org"]
    assert [f.source for f in config.invalid_sources] == [
        "example.org/tech.xml",
        "example.org/tech.xml ([[sources]] #3)",
        "other.example",  # (alone with its host: the short name will do)
    ]


DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
TWO_FEEDS = (
    '[[sources]]\nurl = "https://example.org/world.xml"\n'
    '[[sources]]\nurl = "https://example.org/tech.xml"\n'
)


def keep_world_as_its_host(tmp_path: Path) -> None:
    """A state in which the world feed was read when it was its site's only one."""
    world = SourceHealth("example.org", "https://example.org/world.xml", True, items=3)
    with State.open(tmp_path / "digest-state.sqlite") as state:
        state.commit_build(DAY, [], [], None, NOW, [world])


def test_parsing_reads_no_state_and_loading_names_the_sources_as_the_state_keeps_them(
    tmp_path: Path,
) -> None:
    # Parsing is the config's alone; the name a source left unnamed has in the state is
    # looked up where the file is loaded.
    keep_world_as_its_host(tmp_path)
    path = write_config(tmp_path, TWO_FEEDS)
    parsed = parse_config(tomllib.loads(path.read_text()), path=path, base=tmp_path)
    assert [s.name for s in parsed.sources] == ["example.org/world.xml", "example.org/tech.xml"]
    loaded = load_config(path)
    assert [s.name for s in loaded.sources] == ["example.org", "example.org/tech.xml"]
    assert loaded.state_unread == ""
    with State.open(tmp_path / "digest-state.sqlite") as state:
        assert keyed_by_state(parsed, state.source_locations()) == loaded


def feed(name: str, url: str, *, named: bool = True) -> Source:
    return Source(name, "feed", url, named=named)


def test_a_source_renamed_in_the_config_is_the_one_the_state_keeps_at_its_address() -> None:
    a, b, c = (f"https://example.org/{n}.xml" for n in "abc")
    stored = [StoredSource("Gazette", a), StoredSource("Other", b), StoredSource("Old", c)]
    sources = [feed("Daily Gazette", a), feed("Other", b), feed("Brand new", "https://x.org/")]
    assert renamed_sources(sources, stored) == {"Daily Gazette": stored[0]}
    # a name left unnamed now, or given to a source left unnamed before: the same
    assert renamed_sources([feed("example.org", a, named=False)], stored[:1]) == {
        "example.org": stored[0]
    }
    # only where it is plain: two new names at the address, two kept there, or the old name
    # still in the config (the same feed read twice, with other filters, say)
    assert renamed_sources([feed("One", a), feed("Two", a)], stored) == {}
    assert renamed_sources([feed("One", a)], [*stored, StoredSource("Gazette 2", a)]) == {}
    assert renamed_sources([feed("Gazette", a), feed("Filtered", a)], stored) == {}


def test_keying_by_the_state_gives_each_source_the_name_its_entries_keys_were_made_with(
    tmp_path: Path,
) -> None:
    a, b = "https://example.org/a.xml", "https://example.org/b.xml"
    stored = [StoredSource("Gazette", a, "First name"), StoredSource("Other", b)]
    config = Config(
        sources=(feed("Daily Gazette", a), feed("Other", b), feed("New", "https://x.org/")),
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
    )
    keyed = keyed_by_state(config, stored)
    assert [s.name for s in keyed.sources] == ["Daily Gazette", "Other", "New"]
    assert [s.scope for s in keyed.sources] == ["First name", "Other", "New"]
    assert keyed_by_state(keyed, stored) == keyed  # (as each command that opens it does)
    renamed = keyed_by_state(config, [StoredSource("Gazette", a), stored[1]])
    assert renamed.sources[0].scope == "Gazette"


def test_a_damaged_state_leaves_the_made_names_and_says_so(tmp_path: Path) -> None:
    # It was taken for a state that knows no source: the new made name, without a word.
    keep_world_as_its_host(tmp_path)
    (tmp_path / "digest-state.sqlite").write_bytes(b"SQLite format 2\x00 scribbled over" * 200)
    config = load_config(write_config(tmp_path, TWO_FEEDS))
    assert [s.name for s in config.sources] == ["example.org/world.xml", "example.org/tech.xml"]
    assert f"state file {tmp_path / 'digest-state.sqlite'} is damaged" in config.state_unread
    assert "may not be those it keeps them by" in config.state_unread
    assert "'digest state restore" in config.state_unread


def test_a_state_held_by_another_program_does_not_hold_up_loading_the_config(
    tmp_path: Path,
) -> None:
    keep_world_as_its_host(tmp_path)
    path = write_config(tmp_path, TWO_FEEDS)
    with held_whole(tmp_path / "digest-state.sqlite"):
        started = time.monotonic()
        config = load_config(path)
        assert time.monotonic() - started < 3  # (it waited 5 s)
    assert "is held by another program" in config.state_unread
    assert config.sources[0].name == "example.org/world.xml"
    assert load_config(path).sources[0].name == "example.org"  # once it lets go


def test_a_config_without_sources_left_unnamed_never_reads_the_state(tmp_path: Path) -> None:
    (tmp_path / "digest-state.sqlite").write_bytes(b"not a database " * 100)
    path = write_config(tmp_path, '[[sources]]\nname = "World"\nurl = "https://example.org/w"\n')
    assert load_config(path).state_unread == ""


def test_a_wrong_entry_is_told_apart_from_the_name_the_state_may_give_one_of_its_host(
    tmp_path: Path,
) -> None:
    # Named after its host as the world feed is in the state, the wrong entry's failure and
    # the feed would share a name once the config is keyed by the state.
    keep_world_as_its_host(tmp_path)
    path = write_config(
        tmp_path, f'{TWO_FEEDS}[[sources]]\nurl = "https://example.org/x"\nful = 1\n'
    )
    parsed = parse_config(tomllib.loads(path.read_text()), path=path, base=tmp_path)
    assert [f.source for f in parsed.invalid_sources] == ["example.org/x"]
    config = load_config(path)
    assert [s.name for s in config.sources] == ["example.org", "example.org/tech.xml"]
    assert [f.source for f in config.invalid_sources] == ["example.org/x"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('output = "."\n', "the config file"),
        ('output = "www"\nstate = "www/digest-state.sqlite"\n', "the state file"),
        ('output = "www"\nstate = "www/private/state.sqlite"\n', "the state file"),
        ('output = "www"\nstate = "www"\n', "the state file"),
        (
            'output = "www"\n[email]\nfrom = "a@example.org"\nto = ["b@example.org"]\n'
            'smtp_host = "smtp.example.org"\nusername = "a"\npassword_file = "www/pw"\n',
            "email.password_file",
        ),
    ],
)
def test_a_private_file_inside_the_published_output_folder_is_refused(
    tmp_path: Path, text: str, named: str
) -> None:
    # The output folder is published as it is: the state (every source's address, tokens
    # included, and every article kept) and its copies beside it, the config and the mail
    # password would be downloadable from the site.
    with pytest.raises(ConfigError) as refused:
        load_config(write_config(tmp_path, text))
    message = str(refused.value)
    assert named in message and "inside the output folder" in message
    assert str(tmp_path / ("." if 'output = "."' in text else "www")) in message


def test_the_state_beside_the_output_folder_is_not_inside_it(tmp_path: Path) -> None:
    for text in ("", 'output = "www"\n', 'output = "www"\nstate = "www-state/s.sqlite"\n'):
        config = load_config(write_config(tmp_path, text))
        assert not config.state.is_relative_to(config.output)
        assert not (tmp_path / "digest.toml").is_relative_to(config.output)
