from pathlib import Path

import pytest

from digest.config import ConfigError, default_config, load_config

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
    assert (feed.name, feed.kind, feed.max_items, feed.full_text) == (
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
        ("[[sources]]\nname = 'x'", ["sources[0]", "'url' or 'path'"]),
        ('[[sources]]\nurl = "ftp://x.org/feed"', ["sources[0].url", "http(s)"]),
        ('[[sources]]\npath = "a"\nmax_items = -1', ["sources[0].max_items", "positive"]),
        ('[[sources]]\npath = "a"\nfull_txt = true', ["sources[0].full_txt", "known keys"]),
        ('[[sources]]\npath = "a"\n[[sources]]\npath = "b/a"', ["share the name 'a'"]),
        ('templates = "nowhere"', ["templates", "existing folder"]),
    ],
)
def test_errors_name_the_file_the_key_and_the_expectation(
    tmp_path: Path, text: str, names: list[str]
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    for name in names:
        assert name in message


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'title = "unterminated\n')
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 1"):
        load_config(path)


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
