"""Running from cron, the way people do: the installed ``digest`` command in a subprocess,
with cron's bare environment, against a real HTTP server and a real SMTP server on 127.0.0.1.

Cron mails whatever a command prints, so what matters here is the exit status and every line
printed: nothing when all went well under ``-q``, one line for each thing that needs the
user, and nothing said twice.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

import pytest
from conftest import real_utc_now
from httpserver import FixtureServer, Reply
from seedsite import SEEDS_DAY, copy_seeds

# The command as installed beside this Python: what a crontab line names by its full path.
DIGEST = Path(sys.executable).parent / "digest"
RSS = {"Content-Type": "application/rss+xml"}
PAGES = 12  # teaser entries in the feed whose article pages are all missing
LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")


def cron_env(home: Path, **extra: str) -> dict[str, str]:
    """What cron gives a job: HOME, LOGNAME, SHELL and a bare PATH; nothing from a login."""
    return {
        "HOME": str(home),
        "LOGNAME": "ana",
        "SHELL": "/bin/sh",
        "PATH": "/usr/bin:/bin",
        **extra,
    }


def digest(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DIGEST), *args],
        cwd=cwd,
        env=cron_env(cwd, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def lines(text: str) -> list[str]:
    """The lines printed, log timestamps taken off (two runs of one line differ only there)."""
    return [LOG_PREFIX.sub("", line) for line in text.splitlines() if line.strip()]


def teaser_feed(base: str, count: int) -> str:
    """An RSS feed of ``count`` teasers from the last hours, each linking to its page."""
    now = real_utc_now()  # the subprocess runs on the real clock, whatever the tests' clock
    items = "".join(
        f"<item><title>Council story {i}: the harbour plan, part {i}</title>"
        f"<link>{base}/alpha/{i}.html</link><guid>{base}/alpha/{i}.html</guid>"
        f"<pubDate>{format_datetime(now - dt.timedelta(minutes=5 * i + 1))}</pubDate>"
        f"<description>The council met on the harbour plan, part {i} ...</description></item>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Alpha</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    )


@dataclass
class Site:
    folder: Path
    server: FixtureServer

    def page_urls(self) -> list[str]:
        return [self.server.url(f"/alpha/{i}.html") for i in range(PAGES)]


@pytest.fixture
def troubled(tmp_path: Path) -> Iterator[Site]:
    """A config with three sources: a feed of teasers whose pages are all gone, a feed that
    answers 500, and a local feed file that does not exist."""
    with FixtureServer() as server:
        base = server.url("").rstrip("/")
        server.route("/alpha.xml", Reply(200, teaser_feed(base, PAGES), RSS))
        server.route("/broken.xml", Reply(500, "oops"))
        (tmp_path / "digest.toml").write_text(
            "[fetch]\nretries = 0\n"
            f'[[sources]]\nname = "Alpha"\nurl = "{base}/alpha.xml"\n'
            f'[[sources]]\nname = "Broken"\nurl = "{base}/broken.xml"\n'
            '[[sources]]\nname = "Missing"\npath = "missing.xml"\nkind = "feed"\n',
            encoding="utf-8",
        )
        yield Site(tmp_path, server)


# --- -q: nothing on success, one line per thing that needs the user ---------------------------


def test_quiet_build_that_goes_well_prints_nothing(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    for _ in range(2):  # the first run and a rerun with nothing new
        done = digest("build", "-q", "--date", SEEDS_DAY, cwd=tmp_path)
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_quiet_build_prints_one_line_per_failed_source_and_counts_the_pages(
    troubled: Site,
) -> None:
    done = digest("build", "-q", cwd=troubled.folder)
    assert done.returncode == 0 and done.stdout == ""
    assert lines(done.stderr) == [
        f"source failed: Missing: file {troubled.folder / 'missing.xml'} does not exist (check "
        "the source's 'path' in the config; a relative path is taken from the folder the "
        "config file is in)",
        "source failed: Broken: HTTP 500 Internal Server Error (the site is having trouble; "
        "it will be tried again next run)",
        f"warning: {PAGES} full-text pages could not be read (Alpha); the teasers stand "
        "(digest build -v lists each page in the run that meets it)",
    ]
    assert len(troubled.server.requests_to("/alpha/0.html")) == 1  # each page was tried


def test_default_build_output_says_each_thing_once(troubled: Site) -> None:
    done = digest("build", cwd=troubled.folder)
    assert done.returncode == 0
    printed = lines(done.stderr) + lines(done.stdout)
    assert len(printed) == len(set(printed)), "\n".join(printed)
    for problem in ("HTTP 500", "missing.xml", "full-text pages could not be read"):
        assert sum(problem in line for line in printed) == 1, problem
    assert any("; 1 source read, 2 failed" in line for line in lines(done.stdout)), printed


def test_verbose_build_lists_each_page_that_could_not_be_read(troubled: Site) -> None:
    done = digest("build", "-v", cwd=troubled.folder)
    warnings = [line for line in lines(done.stderr) if line.startswith("warning: ")]
    for url in troubled.page_urls():
        (line,) = [w for w in warnings if url in w]
        assert "not fetched (HTTP 404 Not Found)" in line and "the feed's text is used" in line
    assert not any("pages could not be read" in w for w in warnings)
    # digest's own detail, not the HTTP library's connection chatter
    assert not any("urllib3" in line for line in lines(done.stderr))


def test_run_once_quiet_prints_nothing_on_success_and_each_problem_once(
    tmp_path: Path, troubled: Site
) -> None:
    calm = tmp_path / "calm"
    calm.mkdir()
    copy_seeds(calm)
    done = digest("run", "--once", "-q", cwd=calm)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")

    done = digest("run", "--once", "-q", cwd=troubled.folder)
    assert done.returncode == 0 and done.stdout == ""
    printed = lines(done.stderr)
    assert [line.split(": ", 1)[0] for line in printed] == ["WARNING digest.scheduler"] * 3
    assert sum("HTTP 500" in line for line in printed) == 1
    assert "source failed: Missing" in printed[0] and "source failed: Broken" in printed[1]
    assert f"{PAGES} full-text pages could not be read (Alpha)" in printed[2]


def test_run_once_says_its_figures_once(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    done = digest("run", "--once", cwd=tmp_path)
    assert done.returncode == 0
    printed = lines(done.stdout) + lines(done.stderr)
    assert sum("stories (" in line or "story (" in line for line in printed) == 1, printed


# --- sending twice a day; previewing before SMTP is set up ------------------------------------


def email_config(port: int) -> str:
    return (
        '[[sources]]\npath = "seeds"\n'
        '[email]\nfrom = "Digest <digest@example.org>"\nto = ["ana@example.org"]\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n'
    )


@pytest.mark.slow
def test_the_readme_cron_line_run_twice_a_day_mails_once_and_says_nothing(
    tmp_path: Path,
) -> None:
    from smtpserver import Recorder, smtp_server

    copy_seeds(tmp_path, real_utc_now() - dt.timedelta(hours=1))
    handler = Recorder()
    with smtp_server(handler) as port:
        (tmp_path / "digest.toml").write_text(email_config(port), encoding="utf-8")
        line = f"cd {tmp_path} && {DIGEST} build -q && {DIGEST} send -q"
        for _ in range(2):
            done = subprocess.run(
                ["/bin/sh", "-c", line], env=cron_env(tmp_path), capture_output=True, text=True
            )
            assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
        assert len(handler.envelopes) == 1

        again = digest("send", cwd=tmp_path)
        assert again.returncode == 0 and again.stderr == ""
        assert "already sent" in again.stdout and "--force" in again.stdout
        assert len(handler.envelopes) == 1

        forced = digest("send", "--force", "-q", cwd=tmp_path)
        assert (forced.returncode, forced.stdout, forced.stderr) == (0, "", "")
        assert len(handler.envelopes) == 2


def test_dry_run_previews_the_email_without_an_email_table(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    done = digest("send", "--dry-run", "--to-file", "d.eml", "--date", SEEDS_DAY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    message = email.message_from_bytes((tmp_path / "d.eml").read_bytes())
    assert message["From"] == "Daily Digest <digest@example.invalid>"
    assert message["To"] == "you@example.invalid"
    assert message.get_content_type() == "multipart/alternative"
    assert "no [email] table" in done.stderr and "placeholders" in done.stderr
    assert "nothing was sent" in done.stdout

    quiet = digest("send", "--dry-run", "-q", "--date", SEEDS_DAY, cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert "To: you@example.invalid" in quiet.stdout  # the message itself, printed

    refused = digest("send", "--date", SEEDS_DAY, cwd=tmp_path)  # a real send needs [email]
    assert refused.returncode == 1 and "--dry-run" in refused.stderr


# --- a folder with nothing to read --------------------------------------------------------------


def test_build_with_no_config_and_no_seeds_is_a_usage_error_and_writes_nothing(
    tmp_path: Path,
) -> None:
    for command in (["build"], ["build", "-q"], ["send", "-q"], ["run", "--once", "-q"]):
        done = digest(*command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert done.stdout == ""
        assert "no config file and no seeds/ folder in" in done.stderr
        assert "digest sources add URL" in done.stderr and "--config" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no state file, no output folder


def test_a_config_that_names_no_sources_says_so(tmp_path: Path) -> None:
    (tmp_path / "digest.toml").write_text('title = "Mine"\nsources = []\n', encoding="utf-8")
    done = digest("build", "-q", cwd=tmp_path)
    assert done.returncode == 2
    assert "digest.toml names no sources: nothing to build from" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.toml"]


def test_a_config_whose_every_source_entry_is_wrong_says_so_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # Each entry left out as wrong (a rule that does not compile), the build published a day
    # of "0 stories", its page and feed, and exited 0; 'digest send' would have mailed it
    (tmp_path / "digest.toml").write_text(
        '[[sources]]\nname = "Harbour"\npath = "notes"\nexclude = ["re:(foo"]\n'
        '[[sources]]\nname = "Quay"\nurl = "htps://example.org/feed.xml"\n',
        encoding="utf-8",
    )
    for command in (["build", "-q"], ["send", "-q"], ["stories"], ["run", "--once", "-q"]):
        done = digest(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stdout == ""
        (said,) = done.stderr.splitlines()
        assert "digest.toml names no source that can be read" in said
        assert "Harbour: " in said and "the regular expression '(foo' does not compile" in said
        assert "Quay: " in said and "key 'url': must be an http(s) URL" in said
        assert "did you mean 'https://example.org/feed.xml'?" in said
        assert "nothing to build from" in said and "digest sources add URL" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.toml"]


def test_a_config_whose_every_source_is_disabled_says_so_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # It built a day of "0 stories" from no source, its page and feed, and exited 0; 'digest
    # send' would have mailed it
    copy_seeds(tmp_path)
    (tmp_path / "digest.toml").write_text(
        '[[sources]]\nname = "Harbour"\npath = "seeds"\nenabled = false\n'
        '[[sources]]\nname = "Quay"\nurl = "https://example.org/feed.xml"\nenabled = false\n',
        encoding="utf-8",
    )
    before = sorted(p.name for p in tmp_path.iterdir())
    for command in (["build", "-q"], ["send", "-q"], ["stories"], ["run", "--once", "-q"]):
        done = digest(*command, cwd=tmp_path)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stdout == ""
        (said,) = done.stderr.splitlines()
        assert "digest.toml names only sources that are disabled" in said
        assert "(Harbour, Quay: enabled = false): nothing to build from" in said
        assert "set enabled = true" in said and "digest sources add URL" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no state, no output


def test_an_email_cut_to_fit_is_said_once(tmp_path: Path) -> None:
    """A busy day's email leaves full texts out to stay under Gmail's clip: the user is told
    once, not once by the log and again by the command."""
    import shutil

    fixtures = Path(__file__).parent / "fixtures" / "day"
    site = tmp_path / "site"
    shutil.copytree(fixtures, site)
    day = "2026-03-17"  # the fixture day: 92 entries from 12 feeds
    done = digest("send", "--dry-run", "--to-file", "day.eml", "--date", day, cwd=site)
    assert done.returncode == 0, done.stderr
    said = lines(done.stderr)
    cut = [line for line in said if "to keep the email under" in line]
    assert cut, said  # the day is big enough to need cutting
    # each cut once, whichever voice says it (log line or warning)
    said_how = [line.split("left out", 1)[-1].split("listed", 1)[-1] for line in cut]
    assert len(said_how) == len(set(said_how)), said
    assert len(said) == len(set(said)), said
    assert (site / "day.eml").stat().st_size < 102_000
    # by design, nothing to do: a cron job with -q is not told every busy day
    quiet = digest("send", "-q", "--dry-run", "--to-file", "day.eml", "--date", day, cwd=site)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    """`digest sources list | head -1`: the reader closes the pipe; digest stops without a
    traceback or an error message, with the status a shell gives a process ended by SIGPIPE."""
    copy_seeds(tmp_path)
    command = subprocess.Popen(
        [str(DIGEST), "sources", "list"],
        cwd=tmp_path,
        env=cron_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert command.stdout is not None and command.stderr is not None
    command.stdout.close()  # before digest has written anything
    err = command.stderr.read().decode()
    assert command.wait(timeout=60) == 141
    assert err == ""
