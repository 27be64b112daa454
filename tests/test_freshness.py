"""A run that finds nothing new leaves the day's pages alone, unless what they are made of
changed: the configuration, a template, the sources that failed, or a page went missing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seedsite import SEEDS_DAY, copy_seeds

from digest.backup import restore
from digest.config import Config
from digest.model import Source
from digest.pipeline import build
from digest.present import default_templates_dir
from digest.state import backup_files

DAY = dt.date.fromisoformat(SEEDS_DAY)
NOW = dt.datetime.fromisoformat(f"{SEEDS_DAY}T18:00:00+00:00")
LATER = NOW + dt.timedelta(hours=1)


def seeds_config(tmp_path: Path, **changes: object) -> Config:
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        copy_seeds(tmp_path)
    config = Config(
        title="Seeds",
        sources=(Source(name="Seeds", kind="folder", location=str(seeds)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


def pages(config: Config) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(config.output.iterdir())}


def add_ferry_story(tmp_path: Path) -> Path:
    """A new article in the seeds folder, dated an hour before NOW."""
    newer = tmp_path / "seeds" / "ferry.txt"
    newer.write_text(
        "Title: Ferry timetable changes from Monday\n\nThe ferry company said on Friday that "
        "the first crossing of the day would leave twenty minutes earlier from Monday.",
        encoding="utf-8",
    )
    os.utime(newer, (NOW.timestamp() - 3600,) * 2)
    return newer


def test_nothing_new_leaves_the_pages_as_they_were(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    first = build(config, DAY, now=NOW)
    before = pages(config)
    again = build(config, DAY, now=LATER)
    assert not first.unchanged and first.written
    assert again.unchanged and again.written == () and again.new_articles == 0
    assert pages(config) == before  # not one byte, not even a file time, changed
    assert again.summary_line.endswith("nothing new, pages left as they were")
    assert again.story_count == first.story_count == first.digest.story_count
    # its digest, for a caller that needs it (the email), is the day as stored
    assert [s.headline for s in again.digest.stories] == [s.headline for s in first.digest.stories]
    assert again.digest.generated_at == LATER


def test_a_missing_page_is_written_again(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    (config.output / "index.html").unlink()
    again = build(config, DAY, now=LATER)
    assert not again.unchanged and (config.output / "index.html").is_file()


def test_a_changed_config_renders_the_day_again(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    renamed = dataclasses.replace(config, title="Morning Seeds")
    again = build(renamed, DAY, now=LATER)
    assert not again.unchanged
    assert "Morning Seeds" in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_a_changed_template_renders_the_day_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(default_templates_dir() / "day.html.j2", templates / "day.html.j2")
    config = seeds_config(tmp_path, templates=templates)
    build(config, DAY, now=NOW)
    assert build(config, DAY, now=LATER).unchanged
    page = templates / "day.html.j2"
    text = page.read_text("utf-8")
    assert '<a href="{{ archive_href }}">' in text
    page.write_text(
        text.replace(
            '<a href="{{ archive_href }}">', '<!-- my theme --><a href="{{ archive_href }}">'
        ),
        encoding="utf-8",
    )
    again = build(config, DAY, now=LATER + dt.timedelta(hours=1))
    assert not again.unchanged
    assert "<!-- my theme -->" in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_a_source_that_starts_failing_renders_the_day_again(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    broken = Source(name="Gone", kind="folder", location=str(tmp_path / "no-such-folder"))
    failing = dataclasses.replace(config, sources=(*config.sources, broken))
    again = build(failing, DAY, now=LATER)
    assert not again.unchanged and [f.source for f in again.failures] == ["Gone"]
    page = (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")
    assert "<strong>Gone</strong>: its content could not be read" in page
    assert "no-such-folder" not in page  # the operator's path: the build's report says it
    # and failing the same way, it is left alone, past the run that flags it as failing for
    # three runs in a row: that count is the report's, the page does not change with it
    for hours in (1, 2, 3):
        again = build(failing, DAY, now=LATER + dt.timedelta(hours=hours))
        assert again.unchanged
    assert "failing for 4 runs in a row" in again.failures[0].problem


def test_a_new_article_renders_the_day_again(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    add_ferry_story(tmp_path)
    again = build(config, DAY, now=LATER)
    assert not again.unchanged and again.new_articles == 1
    assert "Ferry timetable" in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_the_command_run_twice_leaves_the_pages_alone(workdir: Path) -> None:
    # Two processes: what the fingerprint is made of must not depend on the process.
    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "digest", "build", "--date", SEEDS_DAY],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    first = run()
    second = run()
    assert "wrote" in first and "nothing new" not in first
    assert "wrote" not in second and "nothing new, pages left as they were" in second


# What a run that finds nothing new must not load: what only grouping and rendering use.
WRITING_PAGES = {"numpy", "feedgen.feed", "babel.dates", "jinja2", "digest.group", "digest.atom"}


def modules_loaded(workdir: Path, day: str) -> set[str]:
    """Which of WRITING_PAGES ``digest build --date day`` loads, run as a command."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "digest", "build", "--date", day],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()} & WRITING_PAGES


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_run_that_finds_nothing_new_loads_nothing_only_writing_pages_needs(
    workdir: Path, language: str
) -> None:
    # Most cron runs find nothing new: they must not pay for loading what only grouping and
    # rendering use (numpy, the feed writer, Jinja, Babel's date formats), in whatever language.
    (workdir / "digest.toml").write_text(
        f'language = "{language}"\n\n[[sources]]\nname = "Seeds"\npath = "seeds"\n',
        encoding="utf-8",
    )
    assert modules_loaded(workdir, SEEDS_DAY) == WRITING_PAGES  # groups, writes its pages
    assert modules_loaded(workdir, SEEDS_DAY) == set()
    if language != "en":
        return  # (what follows does not depend on the language: once is enough)
    # A day with no story yet (the morning's first runs): once its first build has written
    # its pages, a run that finds nothing new has nothing to group either.
    empty = (DAY + dt.timedelta(days=1)).isoformat()
    assert "digest.atom" in modules_loaded(workdir, empty)
    assert modules_loaded(workdir, empty) == set()


def test_pages_newer_than_the_state_are_rendered_again(tmp_path: Path) -> None:
    # A state put back from an older copy (digest state restore) holds an older day than
    # the pages show: they must follow the state, not be left as they were.
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    [copy] = backup_files(config.state)  # the copy taken after that build, kept apart: the
    older = Path(shutil.copy(copy, tmp_path / "older.sqlite"))  # next may take its name
    newer = add_ferry_story(tmp_path)
    build(config, DAY, now=LATER)
    newer.unlink()
    restore(config.state, str(older), force=True)  # the older state, its fingerprint its own
    again = build(config, DAY, now=LATER + dt.timedelta(hours=1))
    assert not again.unchanged
    assert "Ferry timetable" not in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_a_template_in_a_linked_folder_is_watched(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "parts"
    shared.mkdir(parents=True)
    (shared / "foot.html.j2").write_text("<!-- foot v1 -->", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "parts").symlink_to(shared, target_is_directory=True)
    (templates / "loop").symlink_to(templates, target_is_directory=True)  # walked once
    text = (default_templates_dir() / "day.html.j2").read_text("utf-8")
    (templates / "day.html.j2").write_text(
        text.replace(
            '<a href="{{ archive_href }}">',
            '{% include "parts/foot.html.j2" %}<a href="{{ archive_href }}">',
        ),
        encoding="utf-8",
    )
    config = seeds_config(tmp_path, templates=templates)
    build(config, DAY, now=NOW)
    (shared / "foot.html.j2").write_text("<!-- foot version 2 -->", encoding="utf-8")
    again = build(config, DAY, now=LATER)
    assert not again.unchanged
    assert "foot version 2" in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_a_page_put_back_from_an_older_backup_is_rendered_again(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    saved = tmp_path / "saved"
    shutil.copytree(config.output, saved)
    add_ferry_story(tmp_path)
    build(config, DAY, now=LATER)
    shutil.copytree(saved, config.output, dirs_exist_ok=True)  # yesterday's backup of the site
    again = build(config, DAY, now=LATER + dt.timedelta(hours=1))
    assert not again.unchanged
    assert "Ferry timetable" in (config.output / f"{SEEDS_DAY}.html").read_text("utf-8")


def test_the_code_version_follows_edits_where_the_version_number_stays(tmp_path: Path) -> None:
    from digest.freshness import folder_version

    (tmp_path / "parse.py").write_text("READ = 1\n", "utf-8")
    os.utime(tmp_path / "parse.py", ns=(1_700_000_000_000_000_000,) * 2)
    before = folder_version(tmp_path, "0.1.0")
    assert folder_version(tmp_path, "0.1.0") == before
    assert folder_version(tmp_path, "0.2.0") != before  # an upgrade
    (tmp_path / "parse.py").write_text("READ = 2\n", "utf-8")  # the same size: a pull
    os.utime(tmp_path / "parse.py", ns=(1_700_000_000_000_000_001,) * 2)
    assert folder_version(tmp_path, "0.1.0") != before


def test_the_code_version_follows_the_libraries_that_shape_the_outputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Babel upgraded alone changes how dates are written: pages and stored feed entries
    # made before must be made again
    from digest import freshness

    installed = freshness._installed_versions()
    assert {"babel", "jinja2", "numpy"} <= installed.keys()  # read from what is installed
    before = freshness.code_version.__wrapped__()
    upgraded = {**installed, "babel": "99.0"}
    monkeypatch.setattr(freshness, "_installed_versions", lambda: upgraded)
    assert freshness.code_version.__wrapped__() != before


def test_a_library_installed_with_egg_info_counts_in_the_code_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Linux distribution's Babel or Jinja ships egg-info, not dist-info: their upgrade by
    # the system's packages must make the pages again too. Files and zip archives on the
    # path are passed over.
    from digest import freshness

    (tmp_path / "Babel-99.1-py3.11.egg-info").mkdir()
    (tmp_path / "Jinja2-98.0.egg-info").write_text("Metadata-Version: 1.1\n")
    (tmp_path / "lxml-97.0.dist-info").mkdir()
    archive = tmp_path / "libs.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.syspath_prepend(str(tmp_path))
    installed = freshness._installed_versions()
    assert (installed["babel"], installed["jinja2"], installed["lxml"]) == ("99.1", "98.0", "97.0")


def test_a_day_with_no_story_is_left_alone_too_until_one_comes(tmp_path: Path) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)  # the seeds' day
    next_day, next_now = DAY + dt.timedelta(days=1), NOW + dt.timedelta(days=1)
    empty = build(config, next_day, now=next_now)
    assert not empty.unchanged and empty.digest.stories == ()
    before = pages(config)
    again = build(config, next_day, now=next_now + dt.timedelta(hours=1))
    assert again.unchanged and pages(config) == before
    assert again.digest.stories == () and again.digest.day == next_day
    # a story for that day renders it again
    newer = add_ferry_story(tmp_path)
    os.utime(newer, (next_now.timestamp() - 3600,) * 2)
    late = build(config, next_day, now=next_now + dt.timedelta(hours=2))
    assert not late.unchanged and len(late.digest.stories) == 1


def test_the_same_files_spelled_another_way_leave_the_pages_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = seeds_config(tmp_path, path=tmp_path / "digest.toml")
    build(config, DAY, now=NOW)  # as cron names them: full paths
    monkeypatch.chdir(tmp_path)
    by_hand = dataclasses.replace(  # as a run by hand in that folder names them
        config, path=Path("digest.toml"), output=Path("output"), state=Path("./state.sqlite")
    )
    assert build(by_hand, DAY, now=LATER).unchanged


def test_a_digest_asked_for_after_another_build_of_the_day_is_the_day_as_it_now_stands(
    tmp_path: Path,
) -> None:
    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    unchanged = build(config, DAY, now=LATER)  # its digest is read only when asked for
    add_ferry_story(tmp_path)
    build(config, DAY, now=LATER + dt.timedelta(minutes=5))  # cron, before the mail asks
    headlines = {s.headline for s in unchanged.digest.stories}
    assert "Ferry timetable changes from Monday" in headlines  # what the pages now show
    assert unchanged.digest.generated_at == LATER


def test_a_page_replaced_by_a_named_pipe_is_written_again_without_reading_it(
    tmp_path: Path,
) -> None:
    # Something else writing into a web root put a named pipe where a page was: reading it
    # to compare would wait for ever, holding the lock, and every later run would find the
    # build still running. (A link to /dev/zero would fill the memory instead.)
    import threading

    config = seeds_config(tmp_path)
    build(config, DAY, now=NOW)
    page = config.output / "index.html"
    page.unlink()
    os.mkfifo(page)
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(build(config, DAY, now=LATER)))
    worker.daemon = True
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # let the blocked reader go before failing
        os.close(os.open(page, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=20)
        pytest.fail("the build hung on a named pipe in the output folder")
    assert done and page.is_file()
    assert b"<html" in page.read_bytes()
