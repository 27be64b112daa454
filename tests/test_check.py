"""digest check: the installed command against a real HTTP server on 127.0.0.1, real state
files and real folders; and what it must never do, which is change anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import real_utc_now
from httpserver import FixtureServer, Reply
from seedsite import copy_seeds

from digest.check import document_format

DIGEST = Path(sys.executable).parent / "digest"
NEWEST = dt.timedelta(minutes=90)
XML = {"Content-Type": "application/xml"}  # how old the newest entry of each served feed is


def _python_path() -> dict[str, str]:
    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}


def digest(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DIGEST), *args],
        cwd=cwd,
        # (PYTHONPATH kept: the digest under test, when it is not the one installed)
        env={"HOME": str(cwd), "PATH": "/usr/bin:/bin", **_python_path(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def rows(output: str) -> dict[str, tuple[str, str, str]]:
    """The table's rows by name: (result, what, detail); notes are left out. A name longer
    than its column has its detail on the next line."""
    table = {}
    lines = output.splitlines()[1:]  # after the header
    for index, line in enumerate(lines):
        parts = line.split(None, 3)
        if len(parts) == 3 and parts[0] in ("ok", "FAIL") and index + 1 < len(lines):
            parts.append(lines[index + 1].strip())
        if len(parts) == 4 and parts[0] in ("ok", "FAIL"):
            result, what, name, detail = parts
            table[name] = (result, what, detail)
    return table


def test_a_name_longer_than_its_column_puts_its_detail_on_the_next_line(tmp_path: Path) -> None:
    # A feed's long title pushed its detail out of line with every other row's.
    from digest.check import Finding
    from digest.cli.check import NAME_WIDTH, _print_table

    long = "Oracle VM VirtualBox: Ticket #10860: Full resolution not exposed"
    findings = [
        Finding("source", "Short", True, "RSS 2.0, 3 entries"),
        Finding("source", long, True, "RSS 2.0, 1 entry"),
    ]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        _print_table(findings)
    lines = printed.getvalue().splitlines()
    column = lines[0].index("detail")
    assert lines[1].index("RSS 2.0, 3 entries") == column
    assert lines[2].endswith(long) and lines[3].index("RSS 2.0, 1 entry") == column
    assert len(long) > NAME_WIDTH


def rss(base: str, count: int) -> str:
    newest = real_utc_now() - NEWEST  # the subprocess runs on the real clock
    items = "".join(
        f"<item><title>Story {i}</title><link>{base}/s/{i}</link><guid>{base}/s/{i}</guid>"
        f"<pubDate>{format_datetime(newest - dt.timedelta(hours=i))}</pubDate>"
        f"<description>What happened, part {i}.</description></item>"
        for i in range(count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>{items}</channel></rss>'
    )


def atom(count: int) -> str:
    newest = real_utc_now() - NEWEST
    entries = "".join(
        f"<entry><id>urn:e:{i}</id><title>Entry {i}</title><link href='https://example.org/{i}'/>"
        f"<updated>{(newest - dt.timedelta(days=i)).isoformat()}</updated>"
        f"<content>Text {i}.</content></entry>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:f</id><title>A</title><updated>{newest.isoformat()}</updated>{entries}</feed>"
    )


@dataclass
class Setup:
    folder: Path
    server: FixtureServer

    def state_rows(self) -> dict[str, list[tuple]]:
        """Every row of every table of the state file: to see that nothing changed."""
        db = sqlite3.connect(f"{(self.folder / 'digest-state.sqlite').as_uri()}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
        finally:
            db.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Setup]:
    """Three good feeds (RSS 2.0 with validators, Atom 1.0, JSON Feed 1.1), one answering 500,
    a local feed file that is missing and a [[sources]] entry that is wrong."""
    with FixtureServer() as server:
        base = server.url("").rstrip("/")
        newest = real_utc_now() - NEWEST

        def rss_reply(request) -> Reply:
            if request.headers.get("if-none-match") == '"v1"':
                return Reply(304)
            return Reply(200, rss(base, 5), {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

        server.route("/rss.xml", rss_reply)
        server.route("/atom.xml", Reply(200, atom(3), {"Content-Type": "application/atom+xml"}))
        json_feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [{"id": "1", "content_text": "Hello.", "date_published": newest.isoformat()}],
        }
        server.route("/feed.json", Reply(200, json.dumps(json_feed)))
        server.route("/broken.xml", Reply(500, "oops"))
        (tmp_path / "digest.toml").write_text(
            "[fetch]\nretries = 0\n"
            f'[[sources]]\nname = "Rss"\nurl = "{base}/rss.xml"\n'
            f'[[sources]]\nname = "Atom"\nurl = "{base}/atom.xml"\n'
            f'[[sources]]\nname = "Json"\nurl = "{base}/feed.json"\n'
            f'[[sources]]\nname = "Broken"\nurl = "{base}/broken.xml"\n'
            '[[sources]]\nname = "Missing"\npath = "missing.xml"\nkind = "feed"\n'
            '[[sources]]\nname = "Typo"\nurl = "htps://example.org/feed.xml"\n',
            encoding="utf-8",
        )
        yield Setup(tmp_path, server)


def test_check_prints_a_row_for_everything_and_exits_1_when_anything_is_wrong(
    served: Setup,
) -> None:
    done = digest("check", cwd=served.folder)
    assert done.returncode == 1, done.stderr
    table = rows(done.stdout)
    today = (real_utc_now() - NEWEST).strftime("%Y-%m-%d")
    assert table["Rss"][:2] == ("ok", "source")
    assert table["Rss"][2].startswith(f"HTTP 200, RSS 2.0, 5 entries, newest {today} ")
    assert table["Atom"][2].startswith(f"HTTP 200, Atom 1.0, 3 entries, newest {today} ")
    assert table["Json"][2].startswith("HTTP 200, JSON Feed 1.1, 1 entry, newest ")
    assert table["Broken"] == (
        "FAIL",
        "source",
        "HTTP 500 Internal Server Error: the site is having trouble; it will be tried again "
        "next run",
    )
    assert table["Missing"][0] == "FAIL" and "missing.xml" in table["Missing"][2]
    assert table["Typo"][0] == "FAIL" and "[[sources]] #6: line 21: key 'url'" in table["Typo"][2]
    # a check reads nothing: not the build's "the other sources were read as usual"
    assert table["Typo"][2].endswith("): fix this [[sources]] entry"), table["Typo"][2]
    # the config holds a mistake: its row is not "ok"
    assert table[str(served.folder / "digest.toml")] == (
        "FAIL",
        "config",
        "6 sources, 1 with a wrong entry (Typo: its row below says what is wrong)",
    )
    assert table[str(served.folder / "digest-state.sqlite")] == (
        "ok",
        "state",
        "not made yet: the first build makes it",
    )
    assert table[str(served.folder / "output")][:2] == ("ok", "output")
    assert table["-"][:2] == ("ok", "email")
    assert done.stdout.rstrip().endswith("4 problems found")


@pytest.mark.slow
def test_check_changes_nothing_neither_a_new_folder_nor_a_state_with_validators(
    served: Setup,
) -> None:
    (served.folder / "missing.xml").write_text(rss("https://example.org", 1), encoding="utf-8")
    digest("check", cwd=served.folder)
    # A folder never built: no state file, no lock, no output folder appear.
    assert sorted(p.name for p in served.folder.iterdir()) == ["digest.toml", "missing.xml"]

    assert digest("build", "-q", cwd=served.folder).returncode == 0
    before = served.state_rows()
    files = sorted(p.name for p in served.folder.iterdir())
    assert any(row[0] == "Rss" and '"v1"' in row for row in before["sources"])  # the ETag

    done = digest("check", cwd=served.folder)
    assert rows(done.stdout)["Rss"][2].startswith("HTTP 200, RSS 2.0, 5 entries")  # not a 304
    assert "if-none-match" not in served.server.requests_to("/rss.xml")[-1].headers
    assert served.state_rows() == before  # no validators, cursors or entries stored
    assert sorted(p.name for p in served.folder.iterdir()) == files  # no -wal, -shm or lock left
    assert rows(done.stdout)[str(served.folder / "digest-state.sqlite")] == (
        "ok",
        "state",
        "sound (SQLite's quick_check: ok)",
    )
    # The build's validators still work: the next read is conditional and answered 304.
    assert digest("build", "-q", cwd=served.folder).returncode == 0
    assert served.server.requests_to("/rss.xml")[-1].headers.get("if-none-match") == '"v1"'


def test_quiet_check_prints_only_what_is_wrong_and_nothing_when_all_is_well(
    served: Setup, tmp_path: Path
) -> None:
    done = digest("check", "-q", cwd=served.folder)
    assert done.returncode == 1
    config = str(served.folder / "digest.toml")  # (its Typo entry is wrong)
    assert sorted(rows("\n" + done.stdout)) == sorted(["Broken", "Missing", "Typo", config])

    calm = tmp_path / "calm"
    calm.mkdir()
    copy_seeds(calm)
    done = digest("check", "-q", cwd=calm)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    loud = digest("check", cwd=calm)
    assert loud.returncode == 0 and "all good" in loud.stdout
    assert rows(loud.stdout)["seeds"][2].startswith("a folder of article files, 3 entries")


def test_a_damaged_or_newer_state_file_is_a_problem(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    state = tmp_path / "digest-state.sqlite"
    state.write_bytes(b"these are not the bytes of a database " * 200)
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    assert rows(done.stdout)[str(state)][:2] == ("FAIL", "state")
    assert "file is not a database" in rows(done.stdout)[str(state)][2]

    state.unlink()
    db = sqlite3.connect(state)
    db.execute("PRAGMA user_version = 999")
    db.execute("CREATE TABLE meta (key TEXT)")
    db.commit()
    db.close()
    done = digest("check", cwd=tmp_path)
    assert "written by a newer digest (schema 999;" in rows(done.stdout)[str(state)][2]


def test_a_state_file_gone_while_its_copies_remain_is_a_problem(tmp_path: Path) -> None:
    # A build refuses to start over (exit 1: 'digest state restore'), but 'digest check'
    # said "ok state: not made yet: the first build makes it" and "all good: ready to run
    # unattended", exit 0, and 'check -q' nothing at all
    copy_seeds(tmp_path)
    assert digest("build", "-q", "--date", "2026-11-22", cwd=tmp_path).returncode == 0
    state = tmp_path / "digest-state.sqlite"
    state.unlink()
    assert digest("build", "-q", "--date", "2026-11-22", cwd=tmp_path).returncode == 1
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    result, what, detail = rows(done.stdout)[str(state)]
    assert (result, what) == ("FAIL", "state")
    assert "missing" in detail and "backups" in detail and "'digest state restore'" in detail
    assert "all good" not in done.stdout
    assert not state.exists()  # (nothing changed)
    quiet = digest("check", "-q", cwd=tmp_path)
    assert quiet.returncode == 1 and str(state) in quiet.stdout


def test_a_damaged_page_inside_the_state_file_is_found_by_quick_check(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    assert digest("build", "-q", "--date", "2026-11-22", cwd=tmp_path).returncode == 0
    state = tmp_path / "digest-state.sqlite"
    data = bytearray(state.read_bytes())
    page = 4096
    data[page * 2 : page * 3] = b"\xff" * page  # a page in the middle, scribbled over
    state.write_bytes(bytes(data))
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    result, what, detail = rows(done.stdout)[str(state)]
    assert (result, what) == ("FAIL", "state")
    assert "SQLite's check found" in detail or "malformed" in detail


def test_a_template_of_the_users_that_cannot_be_compiled_is_a_problem(tmp_path: Path) -> None:
    # Every build stops on it (exit 2), but 'digest check' said "all good: ready to run
    # unattended", exit 0
    copy_seeds(tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "day.html.j2").write_text(
        '{% extends "builtin/day.html.j2" %}\n{% block main %}{{ broken( }}{% endblock %}\n',
        encoding="utf-8",
    )
    config = tmp_path / "digest.toml"
    config.write_text('templates = "mine"\n[[sources]]\npath = "seeds"\n', encoding="utf-8")
    assert digest("build", "-q", "--date", "2026-11-22", cwd=tmp_path).returncode == 2
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    result, what, detail = rows(done.stdout)[str(config)]
    assert (result, what) == ("FAIL", "config")
    assert f"template day.html.j2 ({tmp_path / 'mine' / 'day.html.j2'}), line 2" in detail
    assert "fix it, or remove it" in detail

    (tmp_path / "mine" / "day.html.j2").write_text(
        '{% extends "builtin/day.html.j2" %}\n', encoding="utf-8"
    )
    assert digest("check", cwd=tmp_path).returncode == 0  # (a sound one passes)


def test_an_output_folder_that_cannot_be_made_is_a_problem(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    (tmp_path / "taken").write_text("a file where a folder should be", encoding="utf-8")
    (tmp_path / "digest.toml").write_text(
        'output = "taken/site"\nstate = "digest-state.sqlite"\n[[sources]]\npath = "seeds"\n',
        encoding="utf-8",
    )
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    assert rows(done.stdout)[str(tmp_path / "taken" / "site")] == (
        "FAIL",
        "output",
        f"cannot be made: {tmp_path / 'taken'} is a file, not a folder",
    )
    (tmp_path / "digest.toml").write_text(
        'output = "taken"\n[[sources]]\npath = "seeds"\n', encoding="utf-8"
    )
    done = digest("check", cwd=tmp_path)
    assert rows(done.stdout)[str(tmp_path / "taken")][0] == "FAIL"
    assert "a file, not a folder" in rows(done.stdout)[str(tmp_path / "taken")][2]


def test_the_email_password_must_be_in_this_environment(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    (tmp_path / "digest.toml").write_text(
        '[[sources]]\npath = "seeds"\n[email]\nfrom = "d@example.org"\nto = ["a@example.org"]\n'
        'smtp_host = "smtp.example.org"\nusername = "d"\npassword_env = "DIGEST_SMTP_PASSWORD"\n',
        encoding="utf-8",
    )
    done = digest("check", cwd=tmp_path)  # as cron runs it: the variable is not there
    assert done.returncode == 1
    result, what, detail = rows(done.stdout)["a@example.org"]
    assert (result, what) == ("FAIL", "email")
    assert "DIGEST_SMTP_PASSWORD (email.password_env) is not set" in detail and "cron" in detail

    done = digest("check", cwd=tmp_path, DIGEST_SMTP_PASSWORD="s3cret")
    assert done.returncode == 0 and "s3cret" not in done.stdout
    assert rows(done.stdout)["a@example.org"] == (
        "ok",
        "email",
        "via smtp.example.org:587 (starttls), password from $DIGEST_SMTP_PASSWORD; the server "
        "was not contacted",
    )


def test_a_login_name_without_a_password_fails_the_check_as_it_fails_the_send(
    tmp_path: Path,
) -> None:
    from digest.check import check_email
    from digest.config import load_config

    (tmp_path / "digest.toml").write_text(
        '[email]\nfrom = "d@example.org"\nto = ["a@example.org"]\n'
        'smtp_host = "smtp.example.org"\nusername = "d"\n',
        encoding="utf-8",
    )
    finding = check_email(load_config(tmp_path / "digest.toml"), {})
    assert not finding.ok
    assert "email.username is set (d) but no password is configured" in finding.detail
    assert "email.password_env" in finding.detail


def test_a_password_file_others_may_read_is_noted(tmp_path: Path) -> None:
    from digest.check import check_email
    from digest.config import load_config

    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    (tmp_path / "digest.toml").write_text(
        '[email]\nfrom = "d@example.org"\nto = ["a@example.org"]\n'
        f'smtp_host = "smtp.example.org"\nusername = "d"\npassword_file = "{secret}"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "digest.toml")
    secret.chmod(0o644)
    loose = check_email(config, {})
    assert loose.ok and loose.notes == (
        f"the password file can be read by other users: chmod 600 {secret}",
    )
    secret.chmod(0o600)
    assert check_email(config, {}).notes == ()


def test_a_config_error_or_nothing_to_read_is_a_row_of_the_table(tmp_path: Path) -> None:
    done = digest("check", cwd=tmp_path)  # no config, no seeds/
    assert done.returncode == 1
    result, what, detail = rows(done.stdout)["(none:"][:3]
    assert (result, what) == ("FAIL", "config") and "no config file and no seeds/" in detail

    (tmp_path / "digest.toml").write_text("lead_sentences = 0\n", encoding="utf-8")
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    result, what, detail = rows(done.stdout)[str(tmp_path / "digest.toml")]
    assert (result, what) == ("FAIL", "config") and "lead_sentences" in detail


def test_a_config_whose_every_source_is_disabled_is_not_ready_to_run(tmp_path: Path) -> None:
    # as a build refuses it: "ok" here, and an empty day published by every run
    copy_seeds(tmp_path, real_utc_now())
    (tmp_path / "digest.toml").write_text(
        '[[sources]]\nname = "Harbour"\npath = "seeds"\nenabled = false\n', encoding="utf-8"
    )
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    result, what, detail = rows(done.stdout)[str(tmp_path / "digest.toml")]
    assert (result, what) == ("FAIL", "config")
    assert "names one source, and it is disabled (Harbour: enabled = false)" in detail


def test_each_mistake_of_the_config_is_a_row_of_its_own_in_the_order_of_its_lines(
    tmp_path: Path,
) -> None:
    (tmp_path / "digest.toml").write_text(
        'max_stories = "40"\ntimezone = "Paris"\n', encoding="utf-8"
    )
    done = digest("check", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    name = str(tmp_path / "digest.toml")
    # (a name longer than its column puts each row's detail on the line after it)
    failed = [(row.split(), lines[at + 1]) for at, row in enumerate(lines) if "FAIL" in row]
    assert [row for row, _ in failed] == [["FAIL", "config", name]] * 2, lines
    assert f"{name}: line 1: key 'max_stories'" in failed[0][1]
    assert f"{name}: line 2: key 'timezone'" in failed[1][1] and "'Europe/Paris'" in failed[1][1]
    assert "2 problems found" in done.stdout


def test_a_refused_config_notes_its_warnings_under_its_last_mistake(tmp_path: Path) -> None:
    (tmp_path / "digest.toml").write_text(
        'max_stories = "40"\ntimezone = "Paris"\n'
        '[[sources]]\nname = "All"\nurl = "https://example.org/feed.xml"\n'
        '[[sources]]\nname = "Some"\nurl = "https://example.org/feed.xml"\n',
        encoding="utf-8",
    )
    for quiet in ((), ("-q",)):  # (what -q keeps: the rows that FAIL, their notes with them)
        done = digest("check", *quiet, cwd=tmp_path)
        assert done.returncode == 1
        lines = done.stdout.splitlines()
        notes = [(at, line.strip()) for at, line in enumerate(lines) if "note: " in line]
        [(at, note)] = notes  # said once, after both mistakes
        assert note.startswith(f"note: {tmp_path / 'digest.toml'}: [[sources]] #1 (line 5) and ")
        assert "key 'timezone'" in lines[at - 1] and "key 'max_stories'" in lines[at - 3]


def test_nothing_to_read_is_said_once_not_again_as_a_seeds_folder_that_is_not_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.check import check_setup
    from digest.config import default_config

    monkeypatch.chdir(tmp_path)  # no config, no seeds/
    found = check_setup(default_config())
    assert [(f.what, f.ok) for f in found.problems] == [("config", False)]
    assert all(f.name != "seeds" for f in found.findings)


def test_a_sitemap_index_is_followed_as_a_build_follows_it(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    sitemaps = Path(__file__).parent / "fixtures" / "sitemaps"
    site = http_server.url("").rstrip("/")

    def text(name: str) -> str:
        return (sitemaps / name).read_text(encoding="utf-8").replace("{site}", site)

    http_server.route("/index.xml", Reply(200, text("sitemap-index.xml"), XML))
    for day in range(18, 22):
        name = f"news-2026-11-{day}.xml"
        http_server.route(f"/sitemaps/{name}.gz", Reply(200, gzip.compress(text(name).encode())))
    (tmp_path / "digest.toml").write_text(
        '[fetch]\nretries = 0\n[[sources]]\nname = "Gazette"\nkind = "sitemap"\n'
        f'url = "{site}/index.xml"\n',
        encoding="utf-8",
    )
    done = digest("check", cwd=tmp_path)
    result, _, detail = rows(done.stdout)["Gazette"]
    assert result == "ok" and detail.startswith("HTTP 200, a sitemap index, ")
    assert "newest 2026-11-21 " in detail
    followed = {r.path for r in http_server.requests} - {"/index.xml"}
    assert followed == {f"/sitemaps/news-2026-11-{day}.xml.gz" for day in (19, 20, 21)}


def test_an_html_page_where_a_feed_or_sitemap_should_be_is_named_once(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    site = http_server.url("").rstrip("/")
    http_server.route(
        "/news",
        Reply(
            200,
            '<!DOCTYPE html><html><head><title>Harbour News</title><link rel="alternate" '
            'type="application/rss+xml" href="/feed.xml"></head><body><p>Today.</p></body></html>',
            {"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    (tmp_path / "digest.toml").write_text(
        f'[fetch]\nretries = 0\n[[sources]]\nname = "Feed"\nurl = "{site}/news"\n'
        f'[[sources]]\nname = "Sitemap"\nkind = "sitemap"\nurl = "{site}/news"\n',
        encoding="utf-8",
    )
    table = rows(digest("check", cwd=tmp_path).stdout)
    assert table["Feed"] == (
        "FAIL",
        "source",
        f"HTTP 200: not a feed: an HTML page: its page names a feed: use {site}/feed.xml as the "
        "url",
    )
    result, _, detail = table["Sitemap"]
    assert result == "FAIL" and detail.startswith("HTTP 200: not a sitemap: an HTML page: find ")


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "RSS 2.0"),
        ("<rss version='0.91'><channel/></rss>", "RSS 0.91"),
        ('<?xml version="1.0"?><!-- made by hand --><rdf:RDF xmlns:rdf="x"/>', "RSS 1.0 (RDF)"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"/>', "Atom 1.0"),
        ('<feed version="0.3" xmlns="http://purl.org/atom/ns#"/>', "Atom 0.3"),
        ('{"version": "https://jsonfeed.org/version/1", "items": []}', "JSON Feed 1"),
        ('<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"/>', "a news sitemap"),
        ("<sitemapindex/>", "a sitemap index"),
        ("<!DOCTYPE html><html><body>Hello</body></html>", "an HTML page"),
        ("\ufeff<?xml version='1.0'?><opml version='2.0'/>", "XML <opml>"),
        ("Service unavailable", "text/plain"),
    ],
)
def test_document_format_names_what_a_source_serves(document: str, named: str) -> None:
    assert document_format(document.encode("utf-8"), "text/plain; charset=utf-8") == named


def test_document_format_looks_inside_gzip() -> None:
    data = gzip.compress(b'<?xml version="1.0"?><rss version="2.0"/>')
    assert document_format(data, "application/gzip") == "RSS 2.0"


def test_a_bad_rules_file_is_a_config_problem(tmp_path: Path) -> None:
    from digest.check import check_config
    from digest.config import Config
    from digest.model import Source

    rules = tmp_path / "my-rules.toml"
    rules.write_text(
        '[[rule]]\nid = "x"\nkind = "standalone"\ndescription = "X"\npatterns = ["(oops"]\n',
        encoding="utf-8",
    )
    config = Config(sources=(Source("s", "folder", str(tmp_path)),), rules=rules)
    finding = check_config(config)
    assert not finding.ok
    assert f"{rules}: rule 'x': pattern 1" in finding.detail and "rules error" in finding.detail


# --- called directly: what the check notes without failing -----------------------------------


def test_keep_days_fewer_than_feed_days_is_noted_as_raised(tmp_path: Path) -> None:
    from digest.check import check_config
    from digest.config import Config
    from digest.model import Source

    sources = (Source("seeds", "folder", str(copy_seeds(tmp_path, real_utc_now()))),)
    site = "https://example.org/digest/"
    finding = check_config(Config(sources=sources, keep_days=10, feed_days=30, site_url=site))
    assert finding.ok
    assert finding.notes == (
        "keep_days = 10 is fewer than feed_days = 30: the state keeps the articles of the "
        "last 30 days, those feed.atom shows",
    )
    assert not check_config(Config(sources=sources, keep_days=0, feed_days=30, site_url=site)).notes
    assert not check_config(
        Config(sources=sources, keep_days=30, feed_days=30, site_url=site)
    ).notes


def test_a_config_without_site_url_is_told_its_feeds_links_are_relative(tmp_path: Path) -> None:
    from digest.check import check_config
    from digest.config import Config
    from digest.model import Source

    sources = (Source("seeds", "folder", str(copy_seeds(tmp_path, real_utc_now()))),)
    finding = check_config(Config(sources=sources))
    assert finding.ok  # worth knowing, not wrong
    (note,) = finding.notes
    assert note.startswith("site_url is not set: the feeds' links are relative")
    assert 'set site_url = "https://..." to its address' in note


def test_two_sources_reading_one_address_are_noted_on_the_config_s_row(tmp_path: Path) -> None:
    from digest.check import check_config
    from digest.config import load_config

    copy_seeds(tmp_path, real_utc_now())
    path = tmp_path / "digest.toml"
    path.write_text(
        'site_url = "https://example.org/"\n'
        '[[sources]]\nname = "All"\npath = "seeds"\n'
        '[[sources]]\nname = "Some"\npath = "seeds"\ninclude = ["harbour"]\n',
        encoding="utf-8",
    )
    finding = check_config(load_config(path))
    assert finding.ok  # worth knowing, not wrong: the two may differ on purpose
    (note,) = finding.notes
    assert note.startswith(f"{path}: [[sources]] #1 (line 4) and [[sources]] #2 (line 7) read")


def test_built_days_whose_pages_are_missing_are_noted_kept_or_forgotten(tmp_path: Path) -> None:
    from digest import usecases
    from digest.check import check_output
    from digest.config import Config
    from digest.model import Source

    first = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    seeds = copy_seeds(tmp_path, first - dt.timedelta(hours=3))
    config = Config(
        sources=(Source("seeds", "folder", str(seeds)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
        keep_days=2,
        feed_days=2,
    )
    usecases.build_day(config, first.date(), now=first)
    built = []
    for later in (5, 6):  # the first day falls out of the two days kept
        when = first + dt.timedelta(days=later)
        news = seeds / f"news-{later}.txt"
        news.write_text(
            f"Title: Harbour cranes arrive, part {later}\n\nThe harbour authority said the "
            f"cranes ordered last year had arrived, {later} days after the first report.",
            encoding="utf-8",
        )
        stamp = (when - dt.timedelta(hours=2)).timestamp()
        os.utime(news, (stamp, stamp))
        built.append(usecases.build_day(config, when.date(), now=when).day)
    assert check_output(config.output, config.state).notes == ()  # every page is there

    for day in (first.date(), built[0]):
        (config.output / f"{day}.html").unlink()
    finding = check_output(config.output, config.state)
    assert finding.ok  # nothing stops a build: the notes say what the site lacks
    assert finding.notes == (
        f"1 day's page is missing ({built[0]}), which the archive links to: 'digest build "
        f"--date {built[0]}' writes it again",
        "1 day's page is missing (2026-03-02), which the archive links to, and cannot be "
        "built again: its articles were dropped from the state (keep_days); restore it from "
        "a backup of this folder",
    )
    # the folder gone (moved, or 'output' changed): every built day's page is missing
    config.output.rename(tmp_path / "moved")
    gone = check_output(config.output, config.state)
    assert gone.ok and gone.detail == "not there: the next build makes it"
    assert gone.notes[0].startswith(
        f"2 days' pages are missing ({built[1]}, {built[0]}), which the archive links to: "
        "'digest build --date DAY' writes each again"
    )
    assert gone.notes[1].startswith("1 day's page is missing (2026-03-02)")
    assert check_output(config.output).notes == ()  # (no state: nothing to compare with)


def test_an_unnamed_source_is_named_by_its_feeds_title_as_the_build_names_it(
    tmp_path: Path,
) -> None:
    """Read now: by the title it gives; not readable now: by the title its last successful
    read gave (the state's); given a name in the config: by that name."""
    (tmp_path / "macworld.rss").write_text(
        rss("https://example.org", 2).replace("<title>R</title>", "<title>Macworld</title>"),
        encoding="utf-8",
    )
    (tmp_path / "gazette.rss").write_text(
        rss("https://example.org/g", 2).replace("<title>R</title>", "<title>Gazette</title>"),
        encoding="utf-8",
    )
    (tmp_path / "chosen.rss").write_text(rss("https://example.org/c", 1), encoding="utf-8")
    (tmp_path / "digest.toml").write_text(
        '[[sources]]\npath = "macworld.rss"\n\n[[sources]]\npath = "gazette.rss"\n\n'
        '[[sources]]\nname = "Chosen"\npath = "chosen.rss"\n',
        encoding="utf-8",
    )
    built = digest("build", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (tmp_path / "gazette.rss").write_text("not a feed at all", encoding="utf-8")
    done = digest("check", cwd=tmp_path)
    table = rows(done.stdout)
    assert table["Macworld"][:2] == ("ok", "source")
    assert table["Gazette"][:2] == ("FAIL", "source")
    assert table["Chosen"][:2] == ("ok", "source")
    assert not {"macworld.rss", "gazette.rss", "R"} & set(table)


def test_a_source_is_named_by_its_state_key_and_a_state_it_cannot_read_for_that_is_noted(
    tmp_path: Path,
) -> None:
    """A feed left unnamed whose made name has changed since the build (another feed of its
    site was removed) is checked under the key the build keeps it by; a state that cannot be
    read for it is noted on the config's row. Nothing is left beside the state file."""
    from ports import closed_port

    host = f"127.0.0.1:{closed_port()}"
    config = tmp_path / "digest.toml"
    config.write_text(
        f'[[sources]]\nurl = "http://{host}/a.xml"\n[[sources]]\nurl = "http://{host}/b.xml"\n'
    )
    assert digest("build", "-q", cwd=tmp_path).returncode == 0
    config.write_text(f'[[sources]]\nurl = "http://{host}/a.xml"\n')
    files = sorted(p.name for p in tmp_path.iterdir())
    done = digest("check", cwd=tmp_path)
    assert rows(done.stdout)[f"{host}/a.xml"][:2] == ("FAIL", "source")  # (refused)
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no -wal, -shm left

    state = tmp_path / "digest-state.sqlite"
    state.write_bytes(b"scribbled over " * 400)
    done = digest("check", cwd=tmp_path)
    assert rows(done.stdout)[host][:2] == ("FAIL", "source")
    assert f"note: state file {state} is damaged" in done.stdout
    assert rows(done.stdout)[str(state)][:2] == ("FAIL", "state")
