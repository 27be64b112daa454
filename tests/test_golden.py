"""The whole seeds site and its email, byte for byte, against the files in tests/golden/.

A rebuild promises byte-identical output, and a refactor promises no change a user could
see: these tests hold both to account for every file a user gets. The site is built the way
a user builds it (``digest build``, then ``digest send --dry-run --to-file``), from a copy of
seeds/ with a config like the one CI checks with the external validators.

When a change to the output is intended, rewrite the golden files and review their diff:

    python -m pytest tests/test_golden.py --update-golden

Everything that could vary is pinned rather than hidden: the seeds' file times (they date
the seeds) and the clock (frozen: it dates the build, the pages' "generated" line, the feeds'
``updated`` and the email's Date header). Only what is random by design is normalised, in
``normalise_email``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine

from digest.cli import main

if TYPE_CHECKING:
    from conftest import Golden

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DAY = "2026-11-22"
SEEDED_AT = dt.datetime(2026, 11, 22, 6, 30, tzinfo=dt.UTC)  # the seeds' file times
NOW = dt.datetime(2026, 11, 22, 7, 15, 42, tzinfo=dt.UTC)  # when the build and send run

CONFIG = """\
title = "Morning Read"
site_url = "https://example.org/news/"
articles_feed = true
[email]
from = "Digest <digest@example.org>"
to = ["ana@example.org", "bruno@example.org"]
smtp_host = "127.0.0.1"
"""

SITE_FILES = [f"{DAY}.html", "index.html", "archive.html", "feed.atom", "articles.atom"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The seeds site, built and its email written, in a folder of its own."""
    folder = tmp_path_factory.mktemp("seeds-site")
    shutil.copytree(SEEDS, folder / "seeds")
    for path in (folder / "seeds").iterdir():
        os.utime(path, (SEEDED_AT.timestamp(), SEEDED_AT.timestamp()))
    (folder / "digest.toml").write_text(CONFIG, encoding="utf-8")
    config = str(folder / "digest.toml")
    # Frozen, not ticking: the email's Date header and every "generated" time come out the
    # same on every run. The travel also overrides --clock-shift-days: this test is about
    # the output of a given day, not about the calendar.
    with time_machine.travel(NOW, tick=False):
        assert main(["build", "-q", "--config", config]) == 0
        assert main(["send", "-q", "--config", config, "--to-file", str(folder / "d.eml")]) == 0
    yield folder


@pytest.mark.parametrize("name", SITE_FILES)
def test_site_file_matches_its_golden_file(site: Path, golden: Golden, name: str) -> None:
    golden.check(f"seeds/{name}", normalise_ids((site / "output" / name).read_bytes()))


def test_site_has_no_file_without_a_golden_file(site: Path) -> None:
    assert sorted(p.name for p in (site / "output").iterdir()) == sorted(SITE_FILES)


def test_building_the_day_again_changes_no_byte(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(site, again)  # state and seeds (with their file times) included
    with time_machine.travel(NOW, tick=False):
        assert main(["build", "-q", "--config", str(again / "digest.toml")]) == 0
    for name in SITE_FILES:
        assert (again / "output" / name).read_bytes() == (site / "output" / name).read_bytes()


def test_email_matches_its_golden_file(site: Path, golden: Golden) -> None:
    golden.check("seeds/email.eml", normalise_email((site / "d.eml").read_bytes()))


@pytest.mark.parametrize(("part", "name"), [("plain", "email.txt"), ("html", "email.html")])
def test_email_part_matches_its_golden_file(
    site: Path, golden: Golden, part: str, name: str
) -> None:
    """Each part decoded as its reader sees it: a readable diff when the message changes."""
    message = email.message_from_bytes((site / "d.eml").read_bytes(), policy=email.policy.SMTP)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=(part,))
    assert body is not None
    # Line ends as an editor shows them: the exact bytes are email.eml's to check.
    golden.check(f"seeds/{name}", body.get_content().replace("\r\n", "\n"))


def normalise_ids(data: bytes) -> bytes:
    """The feeds' ids replaced, in order of first appearance, by fixed look-alike UUIDs.

    The feed's id and each day's entry id are drawn at random when first needed (so that no
    two installations' feeds share an id) and kept in the state from then on; the per-story
    ids derive from the feed's. A fresh state therefore means fresh ids. Numbering them by
    first appearance still shows an id that moves, disappears or repeats.
    """
    placeholders: dict[bytes, bytes] = {}

    def placeholder(match: re.Match[bytes]) -> bytes:
        number = placeholders.setdefault(match[1], b"%012d" % (len(placeholders) + 1))
        return b"urn:uuid:00000000-0000-0000-0000-" + number

    return re.sub(
        rb"urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        placeholder,
        data,
    )


def normalise_email(data: bytes) -> bytes:
    """The message with what is random by design replaced by fixed placeholders.

    - Message-ID: it must be unique per message, so it carries the time, the process id and
      random digits (``email.utils.make_msgid``).
    - The MIME boundary: the email package picks a random one per message, so that it
      cannot occur in the parts it separates.
    The Date header needs nothing: the clock is frozen while the message is made.
    """
    message = email.message_from_bytes(data, policy=email.policy.SMTP)
    boundary = message.get_boundary()
    assert boundary, "the digest's email is a multipart message"
    data = data.replace(boundary.encode("ascii"), b"BOUNDARY")
    data, count = re.subn(rb"(?m)^Message-ID: <[^@>\r\n]+@", b"Message-ID: <MESSAGE-ID@", data)
    assert count == 1, "one Message-ID header, on one line"
    return data
