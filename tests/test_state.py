"""The SQLite state store, on a real file."""

import dataclasses
import datetime as dt
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from stateholder import held_whole

from digest.model import Article, DayRecord, Paragraph, SourceFailure, StoryRecord
from digest.state import (
    SKIPPED,
    Keep,
    RunLock,
    SourceHealth,
    State,
    StateDamagedError,
    StateError,
    StateLockedError,
    StoredEntries,
    backup_folder,
    read_source_history,
    read_source_locations,
    read_source_records,
)
from digest.text.recurring import FORGET_AFTER, PrintHistory, Sighting

NOW = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 11, 21)


def record_day(state: State, day: dt.date, html: str, count: int, now: dt.datetime) -> DayRecord:
    """Build a day's record and store it, as a build does."""
    record = state.prepare_day(day, "Digest", count, html, now)
    state.commit_build(day, [], [], record, now)
    return record


def health(name: str, ok: bool, **fields: object) -> SourceHealth:
    return SourceHealth(name, "https://x.org", ok, **fields)  # type: ignore[arg-type]


def article(key: str, title: str = "A headline") -> Article:
    return Article(
        key=key,
        source="Gazette",
        title=title,
        paragraphs=(Paragraph("Subhead", "heading"), Paragraph("Nicolás spoke on Friday.")),
        url="https://example.org/a",
        published=NOW,
        summary=("Nicolás spoke on Friday.",),
    )


def test_entries_round_trip_with_day_and_article(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [article("k1")], [article("old")], None, NOW)
    with State.open(tmp_path / "s.sqlite") as state:
        known = state.entries(["k1", "old", "missing"])
        assert set(known) == {"k1", "old"}
        assert known["k1"].day == "2026-11-21"
        assert known["old"].day == SKIPPED
        assert state.articles_for_day(DAY) == [article("k1")]


def test_day_record_keeps_id_and_moves_updated_only_on_change(tmp_path: Path) -> None:
    later = NOW + dt.timedelta(hours=2)
    with State.open(tmp_path / "s.sqlite") as state:
        first = record_day(state, DAY, "<p>one</p>", 2, NOW)
        same = record_day(state, DAY, "<p>one</p>", 2, later)
        changed = record_day(state, DAY, "<p>two</p>", 3, later)
    assert first.entry_id == same.entry_id == changed.entry_id
    assert first.entry_id.startswith("urn:uuid:")
    assert same.updated == NOW and same.published == NOW
    assert changed.updated == later and changed.published == NOW


def test_days_newest_first_and_feed_id_stable(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        for offset in (0, 2, 1):
            day = DAY + dt.timedelta(days=offset)
            record_day(state, day, f"<p>{day}</p>", 1, NOW)
        feed_id = state.feed_id()
        assert [d.day.day for d in state.days()] == [23, 22, 21]
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.feed_id() == feed_id


def test_source_health_counts_consecutive_failures(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        for expected in (1, 2):
            state.commit_build(DAY, [], [], None, NOW, [health("feed", False, problem="HTTP 500")])
            failing = state.source("feed")
            assert failing is not None and failing.consecutive_failures == expected
        state.commit_build(DAY, [], [], None, NOW, [health("feed", True, items=4, etag='"abc"')])
        record = state.source("feed")
        assert record is not None
        assert record.consecutive_failures == 0 and record.items == 4 and record.etag == '"abc"'
        assert record.last_error == "HTTP 500"


def test_failed_transaction_leaves_state_unchanged(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [article("k1")], [], None, NOW)
        with pytest.raises(RuntimeError), state.transaction() as db:
            db.execute("DELETE FROM entries")
            raise RuntimeError("crash half-way")
        assert set(state.entries(["k1"])) == {"k1"}


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    # The advice was to move it aside and run again (a fresh state); it is now to restore a
    # copy or reset, which moves the file aside for you.
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StateError) as caught, State.open(path):
        pass
    assert str(path) in str(caught.value) and "digest state reset" in str(caught.value)


def _hold_lock(path: str, ready: "multiprocessing.Event", release: "multiprocessing.Event") -> None:
    with RunLock(Path(path)):
        ready.set()
        release.wait(10)


def test_second_run_is_refused_while_another_holds_the_lock(tmp_path: Path) -> None:
    state_path = tmp_path / "s.sqlite"
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(state_path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(StateLockedError) as caught, RunLock(state_path, wait=0.1):
            pass
        assert f"pid {holder.pid}" in str(caught.value)
    finally:
        release.set()
        holder.join(10)
    with RunLock(state_path):  # released when the holder exits
        pass


def test_a_lock_file_planted_as_a_link_never_writes_through_it(tmp_path: Path) -> None:
    # The state's folder may be one that others write to (beside an output folder in a web
    # root): a link planted where the lock goes must not let a run truncate and overwrite
    # whatever file it points at.
    state_path = tmp_path / "s.sqlite"
    victim = tmp_path / "elsewhere" / "precious.txt"
    victim.parent.mkdir()
    victim.write_text("precious")
    state_path.with_name("s.sqlite.lock").symlink_to(victim)
    with pytest.raises(OSError), RunLock(state_path):
        pass
    assert victim.read_text() == "precious"


def test_sends_are_remembered_per_day(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.sent_at(DAY) is None
        state.record_sent(DAY, NOW, "<id@example.org>", ["a@example.org", "b@example.org"])
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.sent_at(DAY) == NOW
        assert state.sent_at(DAY + dt.timedelta(days=1)) is None


def test_days_still_to_go_to_recipients_refused_for_now_are_listed_from_a_day_on(
    tmp_path: Path,
) -> None:
    # a daily job catches up only the last few days: a mailbox refusing for weeks is not
    # sent weeks of digests at once when it comes back
    with State.open(tmp_path / "s.sqlite") as state:
        for offset in (0, 2, 5):
            day = DAY - dt.timedelta(days=offset)
            state.record_sent(day, NOW, f"<{offset}@example.org>", ["a@example.org"], ["b@x.org"])
        state.record_sent(DAY - dt.timedelta(days=1), NOW, "<1@example.org>", ["a@example.org"])
        since = DAY - dt.timedelta(days=3)
        assert state.deferred_days(since) == (DAY - dt.timedelta(days=2), DAY)
        assert len(state.deferred_days(DAY - dt.timedelta(days=9))) == 3


def test_a_state_from_before_deferred_recipients_keeps_its_sends(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        state.record_sent(DAY, NOW, "<id@example.org>", ["a@example.org"])
    with sqlite3.connect(path) as db:  # as the version before them left it
        db.execute("ALTER TABLE sends DROP COLUMN deferred")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute(f"PRAGMA user_version = {version - 5}")
    with State.open(path) as state:
        assert state.sent_at(DAY) == NOW and state.sent_to(DAY) == ("a@example.org",)
        assert state.deferred_recipients(DAY) == ()  # sent: not to be sent again
        state.record_sent(DAY, NOW, "<id@example.org>", ["a@example.org"], ["b@example.org"])
        assert state.deferred_recipients(DAY) == ("b@example.org",)


def test_old_schema_is_migrated_in_place(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        read = [SourceHealth("Gazette", "g.xml", True, 1), SourceHealth("Quiet", "q.xml", True)]
        state.commit_build(DAY, [article("k1")], [], None, NOW, read)
    with sqlite3.connect(path) as db:  # make it a schema-1 file, as the first release wrote
        db.execute("DROP TABLE sends")
        db.execute("DROP TABLE stories")
        db.execute("ALTER TABLE sources DROP COLUMN fetch_url")
        db.execute("ALTER TABLE days DROP COLUMN failures")
        db.execute("ALTER TABLE sources DROP COLUMN settled")
        db.execute("ALTER TABLE sources DROP COLUMN cursor")
        db.execute("ALTER TABLE sources DROP COLUMN unreadable")
        db.execute("ALTER TABLE sources DROP COLUMN held_until")
        db.execute("ALTER TABLE days DROP COLUMN forgotten")
        db.execute("ALTER TABLE days DROP COLUMN article_entries")
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute("PRAGMA user_version = 1")
    with State.open(path) as state:
        assert set(state.entries(["k1"])) == {"k1"}
        # a source with stored entries has had its first run; one without has not
        assert not state.source("Gazette").is_new("g.xml")
        assert state.source("Quiet").is_new("q.xml")
        state.record_sent(DAY, NOW, "<id@example.org>", ["a@example.org"])
        assert state.sent_at(DAY) == NOW
        state.commit_build(
            DAY,
            [],
            [],
            None,
            NOW,
            [SourceHealth("f", "https://a.example/f", True, 2, fetch_url="https://b.example/f")],
        )
        record = state.source("f")
        assert record is not None and record.url_for("https://a.example/f") == "https://b.example/f"
        # the user edited the address since: the old redirect no longer applies
        assert record.url_for("https://c.example/feed") == "https://c.example/feed"


def test_a_days_failures_are_kept_with_it_and_replaced_by_the_next_build(tmp_path: Path) -> None:
    failure = SourceFailure("Harbour News", "HTTP 404 Not Found", "check the URL", "fetch")
    with State.open(tmp_path / "s.sqlite") as state:
        day = state.prepare_day(DAY, "Digest", 1, "<p>x</p>", NOW)
        state.commit_build(DAY, [article("k1")], [], day, NOW, (), [failure])
        assert state.day_failures(DAY) == (failure,)
        assert state.day_failures(DAY + dt.timedelta(days=1)) == ()
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.day_failures(DAY) == (failure,)
        day = state.prepare_day(DAY, "Digest", 1, "<p>x</p>", NOW)
        state.commit_build(DAY, [], [], day, NOW, (), [])
        assert state.day_failures(DAY) == ()


def test_a_days_failures_stored_by_an_older_or_a_newer_digest_are_read(tmp_path: Path) -> None:
    # an older digest stored no reason; a newer one may store what this one does not know
    with State.open(tmp_path / "s.sqlite") as state:
        day = state.prepare_day(DAY, "Digest", 1, "<p>x</p>", NOW)
        state.commit_build(DAY, [article("k1")], [], day, NOW, ())
    stored = [
        {"source": "Old", "problem": "HTTP 404", "advice": ""},
        {"source": "New", "problem": "HTTP 503", "advice": "", "reason": "fetch", "since": 3},
    ]
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        db.execute("UPDATE days SET failures = ?", (json.dumps(stored),))
    db.close()
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.day_failures(DAY) == (
            SourceFailure("Old", "HTTP 404"),
            SourceFailure("New", "HTTP 503", reason="fetch"),
        )


def test_a_source_stays_new_until_a_read_with_entries_and_again_at_a_new_address(
    tmp_path: Path,
) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("F", "a.xml", False)])
        assert state.source("F").is_new("a.xml")  # a failed first read
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("F", "a.xml", True, 0)])
        assert state.source("F").is_new("a.xml")  # an empty one
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("F", "a.xml", True, 3)])
        assert not state.source("F").is_new("a.xml")
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("F", "a.xml", True, 0)])
        assert not state.source("F").is_new("a.xml")  # empty today: still not new
        assert state.source("F").is_new("b.xml")  # configured somewhere else
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("F", "b.xml", True, 0)])
        assert state.source("F").is_new("b.xml")
        assert state.forget_source("F") and state.source("F") is None
        assert not state.forget_source("F")


def test_upgrading_keeps_entries_keyed_by_a_scoped_tag_id_known(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        old_keys = ["id:Gazette:tag:example.org,2026:1", "id:Gazette:urn:uuid:42", "id:Gazette:7"]
        state.commit_build(DAY, [article(k) for k in old_keys], [], None, NOW)
    with sqlite3.connect(path) as db:  # as the version before kinds had cursors left it
        db.execute("ALTER TABLE sources DROP COLUMN cursor")
        db.execute("ALTER TABLE sources DROP COLUMN unreadable")
        db.execute("ALTER TABLE sources DROP COLUMN held_until")
        db.execute("ALTER TABLE days DROP COLUMN forgotten")
        db.execute("ALTER TABLE days DROP COLUMN article_entries")
        db.execute("ALTER TABLE sends DROP COLUMN deferred")
        db.execute("DROP TABLE stories")
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute("PRAGMA user_version = 5")
    with State.open(path) as state:
        found = state.entries(["id:tag:example.org,2026:1", "id:urn:uuid:42", "id:Gazette:7"])
        assert set(found) == {"id:tag:example.org,2026:1", "id:urn:uuid:42", "id:Gazette:7"}
        assert all(record.day == DAY.isoformat() for record in found.values())


def test_a_kinds_cursor_is_kept_with_its_read_and_added_to_an_older_file(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    url = "https://news.example.org/news-sitemap.xml"
    with State.open(path) as state:
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("Old", "o.xml", True, 1)])
    with sqlite3.connect(path) as db:  # as the version before kinds had cursors left it
        db.execute("ALTER TABLE sources DROP COLUMN cursor")
        db.execute("ALTER TABLE sources DROP COLUMN unreadable")
        db.execute("ALTER TABLE sources DROP COLUMN held_until")
        db.execute("ALTER TABLE days DROP COLUMN forgotten")
        db.execute("ALTER TABLE days DROP COLUMN article_entries")
        db.execute("ALTER TABLE sends DROP COLUMN deferred")
        db.execute("DROP TABLE stories")
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute("PRAGMA user_version = 6")
    seen = {"newest": "2026-11-21T06:00:00+00:00"}
    with State.open(path) as state:
        old = state.source("Old")
        assert old is not None and old.cursor == {} and old.items == 1  # nothing else lost
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("S", url, True, 3, cursor=seen)])
    with State.open(path) as state:
        assert state.source("S").cursor == seen
        failed = SourceHealth("S", url, False, problem="HTTP 500")
        state.commit_build(DAY, [], [], None, NOW, [failed])
        assert state.source("S").cursor == seen  # a failed read moves nothing on
        later = {"newest": "2026-11-22T06:00:00+00:00"}
        read = SourceHealth("S", url, True, 2, etag='"v2"', cursor=later, cursor_before=seen)
        again = read.read_again()  # some of its articles wait for a later run
        assert (again.etag, again.last_modified, again.cursor, again.items) == (None, None, seen, 2)
        state.commit_build(DAY, [], [], None, NOW, [again])
        assert state.source("S").cursor == seen
        state.commit_build(DAY, [], [], None, NOW, [read])
        assert state.source("S").cursor == later
        # a cursor that moved past entries held for a later day would never give them again
        due = NOW + dt.timedelta(days=2)
        assert read.holding(due) == again
        kept = SourceHealth("S", url, True, 2, etag='"v3"', cursor=later, cursor_before=later)
        state.commit_build(DAY, [], [], None, NOW, [kept.holding(due)])
        stored = state.source("S")
        assert (stored.etag, stored.cursor, stored.held_until) == ('"v3"', later, due)
        failed_later = SourceHealth("S", url, False, problem="HTTP 500")
        state.commit_build(DAY, [], [], None, NOW, [failed_later])
        assert state.source("S").held_until == due  # a failed read changes nothing held
        state.commit_build(DAY, [], [], None, NOW, [kept])
        assert state.source("S").held_until is None  # a read that holds nothing clears it
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sources SET cursor = 'not JSON' WHERE name = 'S'")
    with State.open(path) as state:
        assert state.source("S").cursor == {}  # it only costs the work it would have saved


@pytest.mark.parametrize(
    ("error", "expected", "not_said"),
    [
        ("database or disk is full", "free some space", "state reset"),
        ("attempt to write a readonly database", "may write to it", "state reset"),
        ("database is locked", "another program", "state reset"),
        ("file is not a database", "state reset", "free some space"),
    ],
)
def test_state_problems_get_advice_that_fits(error: str, expected: str, not_said: str) -> None:
    # Damage used to be met with "move it aside and run again"; it is now 'digest state
    # restore' or 'digest state reset' (which moves it aside), never advised for the others.
    import sqlite3

    from digest.state import _state_error

    path = Path("/srv/digest/state.sqlite")
    message = str(_state_error(path, sqlite3.OperationalError(error)))
    assert "/srv/digest/state.sqlite" in message and error in message
    assert expected in message and not_said not in message


def test_an_article_s_tags_are_stored_with_it(tmp_path: Path) -> None:
    from digest.state import article_from_json, article_to_json

    tagged = dataclasses.replace(article("k1"), tags=("Rail", "Europe"))
    assert article_from_json(article_to_json(tagged)) == tagged
    # articles stored before tags were, or with none: none is written, none is read
    assert "tags" not in article_to_json(article("k2"))
    assert article_from_json({**article_to_json(tagged), "tags": "Rail"}).tags == ()
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [tagged], [], None, NOW)
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.articles_for_day(DAY) == [tagged]


def test_an_article_s_language_is_stored_with_it(tmp_path: Path) -> None:
    from digest.state import article_from_json, article_to_json

    german = dataclasses.replace(article("k1"), language="de-AT")
    assert article_from_json(article_to_json(german)) == german
    # articles stored before languages were: none is written, none is read
    assert "language" not in article_to_json(article("k2"))
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [german], [], None, NOW)
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.articles_for_day(DAY) == [german]


# --- each source's recurring paragraphs ---------------------------------------------------------


def seen(key: str, *prints: int, source: str = "Gazette") -> Sighting:
    return Sighting.of(source, key, prints)


def test_paragraph_fingerprints_are_remembered_per_source_in_the_builds_commit(
    tmp_path: Path,
) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.source_history([seen("a", 1)]) == {}
        state.commit_build(DAY, [], [], None, NOW, sightings=[seen("a", 1, 2), seen("b", 1)])
        state.commit_build(DAY, [], [], None, NOW, sightings=[seen("c", 1, 3)])
        history = state.source_history([seen("d", 1, 2, 3, 4)])["Gazette"]
    assert history.articles == 3
    assert history.prints == {
        1: PrintHistory(3, 0),  # in all three articles, since the source's first
        2: PrintHistory(1, 0),
        3: PrintHistory(1, 2),  # first seen after the source had brought two articles
    }


def test_fingerprints_not_seen_for_a_while_are_forgotten(tmp_path: Path) -> None:
    later = NOW + FORGET_AFTER + dt.timedelta(days=1)
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [], [], None, NOW, sightings=[seen("a", 1, 2)])
        state.commit_build(DAY, [], [], None, later, sightings=[seen("b", 2)])
        assert set(state.source_history([seen("c", 1, 2)])["Gazette"].prints) == {2}


def test_a_one_off_command_reads_the_history_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    assert read_source_history(path, [seen("a", 1)]) == {}
    assert not path.exists()
    with State.open(path) as state:
        state.commit_build(DAY, [], [], None, NOW, sightings=[seen("a", 1)])
    before = path.stat().st_mtime_ns
    assert read_source_history(path, [seen("b", 1)])["Gazette"].prints == {1: PrintHistory(1, 0)}
    assert path.stat().st_mtime_ns == before


def beside(path: Path) -> list[str]:
    """The write-ahead log and index files found beside the state file ``path``."""
    return sorted(p.name for p in path.parent.glob(f"{path.name}-*"))


def state_with_two_feeds(path: Path) -> None:
    with State.open(path) as state:
        state.commit_build(
            DAY,
            [],
            [],
            None,
            NOW,
            [
                SourceHealth("example.org/world", "https://example.org/world", False),
                SourceHealth("example.org/tech", "https://example.org/tech", True, items=2),
            ],
        )


def test_one_off_lookups_leave_no_log_files_beside_the_state(tmp_path: Path) -> None:
    # A read-only connection cannot remove a WAL database's -wal and -shm on closing: every
    # command that read the config left them, and a state file deleted afterwards then
    # looked lost (its log remained), not new.
    path = tmp_path / "s.sqlite"
    assert read_source_locations(path) == []  # (no state yet: a first run's)
    assert not path.exists()
    state_with_two_feeds(path)
    assert beside(path) == []
    assert read_source_locations(path) == [
        ("example.org/tech", "https://example.org/tech", None),  # (read most recently)
        ("example.org/world", "https://example.org/world", None),
    ]
    assert set(read_source_records(path)) == {"example.org/world", "example.org/tech"}
    assert read_source_history(path, [seen("a", 1)]) == {}
    assert beside(path) == []
    state = State.open_read_only(path)  # (digest check's look at the days built)
    try:
        assert state.page_days() == []
    finally:
        state.close()
    assert beside(path) == []


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:1500])  # cut inside its first page


def _another_database(path: Path) -> None:
    path.unlink()
    sqlite3.connect(path).execute("CREATE TABLE notes (text)").connection.close()


def _gone_with_its_copies_kept(path: Path) -> None:
    backup_folder(path).mkdir()
    (backup_folder(path) / "20261120T070000Z.sqlite").write_bytes(path.read_bytes())
    path.unlink()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda p: p.write_bytes(b"\x00\xffnot a database at all " * 300), "is damaged"),
        (_truncated, "is damaged"),
        (lambda p: p.write_bytes(b""), "it is empty (0 bytes)"),
        (_another_database, "not a digest state"),
        (_gone_with_its_copies_kept, "is missing"),
    ],
)
def test_looking_up_the_source_keys_of_a_damaged_state_says_so(
    tmp_path: Path, damage, said: str
) -> None:
    # It read as a state that knows no source: the config then named a feed afresh, without
    # a word, as the build (which stops on the damage) never would.
    path = tmp_path / "s.sqlite"
    state_with_two_feeds(path)
    damage(path)
    with pytest.raises(StateDamagedError) as caught:
        read_source_locations(path)
    assert str(path) in caught.value.problem and said in caught.value.problem
    assert "digest state restore" in caught.value.advice
    assert beside(path) == []


def test_a_lookup_waits_only_a_moment_for_another_program_holding_the_state(
    tmp_path: Path,
) -> None:
    # It waited 5 s, then took the state for one that knows no source.
    path = tmp_path / "s.sqlite"
    state_with_two_feeds(path)
    with held_whole(path):
        started = time.monotonic()
        with pytest.raises(StateLockedError) as caught:
            read_source_locations(path)
        assert time.monotonic() - started < 3
        assert read_source_records(path) == {}  # (a hint only: nothing, at once)
        assert time.monotonic() - started < 6
    assert f"state file {path} is held by another program" in caught.value.problem
    assert beside(path) == []
    assert len(read_source_locations(path)) == 2  # once it lets go


def test_a_file_from_before_the_history_table_reads_as_no_history(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    sqlite3.connect(path).close()
    assert read_source_history(path, [seen("a", 1)]) == {}


def test_entries_held_back_as_incomplete_count_their_runs_until_shown(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        state.commit_build(DAY, [], [], None, NOW)
    with sqlite3.connect(path) as db:  # as the version before entries were held back left it
        db.execute("DROP TABLE incomplete")
        db.execute("ALTER TABLE sources DROP COLUMN unreadable")  # (added after it)
        db.execute("ALTER TABLE sources DROP COLUMN held_until")  # (and this)
        db.execute("ALTER TABLE days DROP COLUMN forgotten")  # (and this; the one after
        # it, run again, changes nothing here)
        db.execute("ALTER TABLE days DROP COLUMN article_entries")  # (and this)
        db.execute("ALTER TABLE stories DROP COLUMN published")  # (and this)
        db.execute("ALTER TABLE sends DROP COLUMN deferred")  # (and this)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute(f"PRAGMA user_version = {version - 12}")
    cut, other = article("k1"), article("k2")
    with State.open(path) as state:
        assert state.incomplete_runs(["k1", "k2"]) == {}
        state.commit_build(DAY, [], [], None, NOW, held_incomplete=[cut, other])
        state.commit_build(DAY, [], [], None, NOW, held_incomplete=[cut])
        assert state.incomplete_runs(["k1", "k2", "k3"]) == {"k1": 2, "k2": 1}
        state.commit_build(DAY, [cut], [], None, NOW)  # shown: no longer waiting
        assert state.incomplete_runs(["k1", "k2"]) == {"k2": 1}
        # one its feed stopped giving is forgotten after a month
        state.commit_build(DAY, [], [], None, NOW + dt.timedelta(days=31))
        assert state.incomplete_runs(["k2"]) == {}


def test_a_renamed_source_keeps_its_record_entries_and_history_and_its_keys_first_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    shown = dataclasses.replace(article("id:Gazette:7"), origin="Gazette")
    cut = dataclasses.replace(article("id:Gazette:8"), origin="Gazette")
    with State.open(path) as state:
        read = SourceHealth("Gazette", "https://example.org/feed", True, 2, etag='"v1"')
        other = SourceHealth("Other", "https://example.net/feed", True, 1)
        state.commit_build(
            DAY,
            [shown],
            [],
            None,
            NOW,
            [read, other],
            sightings=[seen("id:Gazette:7", 1, 2)],
            held_incomplete=[cut],
        )
        state.rename_sources({"Gazette": "Daily Gazette"}, DAY)
        assert state.source("Gazette") is None
        record = state.source("Daily Gazette")
        assert record is not None and record.etag == '"v1"' and not record.is_new(read.location)
        assert state.source_locations() == [  # (read at the same time: by name)
            ("Daily Gazette", "https://example.org/feed", "Gazette"),
            ("Other", "https://example.net/feed", None),
        ]
        # the keys stay as they were made: stories and feed entries already name them
        assert set(state.entries(["id:Gazette:7"])) == {"id:Gazette:7"}
        assert state.incomplete_runs(["id:Gazette:8"]) == {"id:Gazette:8": 1}
        assert (
            state.source_history([seen("x", 1, source="Daily Gazette")])["Daily Gazette"].articles
            == 1
        )
        # the day built shows it by its new name
        shown_as = [(a.source, a.origin) for a in state.articles_for_day(DAY)]
        assert shown_as == [("Daily Gazette", "Daily Gazette")]
        # renamed again, by a build of the next day: its keys keep the first name, and the
        # day before keeps the name it was published under
        state.rename_sources({"Daily Gazette": "The Gazette"}, DAY + dt.timedelta(days=1))
        assert ("The Gazette", "https://example.org/feed", "Gazette") in state.source_locations()
        assert [a.source for a in state.articles_for_day(DAY)] == ["Daily Gazette"]
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT source FROM entries UNION SELECT source FROM incomplete")
        assert {source for (source,) in rows} == {"The Gazette"}


def test_what_a_summary_was_made_for_is_stored_with_it(tmp_path: Path) -> None:
    from digest.state import article_from_json, article_to_json

    made = dataclasses.replace(article("k1"), summary=("A lead.",), summary_of=(3, 600))
    assert article_from_json(article_to_json(made)) == made
    # stored before it was kept, or damaged: not known, so the summary is made again
    for stored in (None, [3], ["3", 600], [True, 600], "3,600"):
        data = {**article_to_json(made), "summary_of": stored}
        assert article_from_json(data).summary_of is None
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [made], [], None, NOW)
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.articles_for_day(DAY) == [made]


# --- days before keep_days: their articles dropped, their keys kept -----------------------------


def build_day(
    state: State,
    day: dt.date,
    keys: list[str],
    keep_from: dt.date | None,
    entries: StoredEntries | None = None,
) -> int:
    """Store a build of ``day`` that showed ``keys`` in one story, as a build does, keeping
    the articles from ``keep_from`` on and the stories 30 days more, and the articles.atom
    ``entries`` it made; how many days it forgot."""
    now = dt.datetime.combine(day, dt.time(7), dt.UTC)
    record = state.prepare_day(day, "Digest", 1, f"<p>{day}</p>", now)
    story = StoryRecord(day, f"s-{day}", "A headline", "A headline and its lead", tuple(keys))
    shown = [dataclasses.replace(article(k), published=now) for k in keys]
    keep = None if keep_from is None else Keep(keep_from, keep_from - dt.timedelta(days=30))
    return state.commit_build(
        day, shown, [], record, now, stories=[story], keep=keep, article_entries=entries
    )


def test_a_day_before_keep_from_keeps_only_which_articles_it_showed(tmp_path: Path) -> None:
    old, kept, today = DAY - dt.timedelta(days=120), DAY - dt.timedelta(days=10), DAY
    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, old, ["k-old"], None)
        build_day(state, kept, ["k-kept"], None)
        before = state.entries(["k-old"])
        assert build_day(state, today, ["k-new"], keep_from=DAY - dt.timedelta(days=89)) == 1
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.forgotten(old) and not state.forgotten(kept) and not state.forgotten(today)
        # its entry still says it was shown, on its day, so that it is never shown again
        assert state.entries(["k-old"]) == before
        assert before["k-old"].day == old.isoformat() and before["k-old"].content_hash
        assert state.articles_for_day(old) == []
        assert state.stories(old, old) == []  # 120 days back: past the kept days' links
        days = {record.day: record for record in state.days()}
        assert days[old].content_html == "" and days[old].story_count == 1  # still archived
        # the kept days lose nothing
        assert [a.key for a in state.articles_for_day(kept)] == ["k-kept"]
        assert [s.id for s in state.stories(kept, kept)] == [f"s-{kept}"]
        assert days[kept].content_html == f"<p>{kept}</p>"


def test_the_day_being_built_is_kept_even_before_keep_from(tmp_path: Path) -> None:
    # `digest send --date` of an old day builds it, then sends what it stored
    old = DAY - dt.timedelta(days=200)
    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, old, ["k-old"], keep_from=DAY - dt.timedelta(days=89))
        assert not state.forgotten(old)
        assert [a.key for a in state.articles_for_day(old)] == ["k-old"]
        build_day(state, DAY, ["k-new"], keep_from=DAY - dt.timedelta(days=89))  # the next
        assert state.forgotten(old) and state.articles_for_day(old) == []


def test_without_keep_from_every_day_is_kept(tmp_path: Path) -> None:
    old = DAY - dt.timedelta(days=3000)
    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, old, ["k-old"], None)
        build_day(state, DAY, ["k-new"], None)
        assert not state.forgotten(old)
        assert [a.key for a in state.articles_for_day(old)] == ["k-old"]


def test_a_forgotten_day_keeps_its_stories_while_a_kept_day_may_link_to_them(
    tmp_path: Path,
) -> None:
    # a kept day's "Earlier:" links look feed_days back: rebuilt, it must find the same
    first = DAY - dt.timedelta(days=89)
    linked, gone = first - dt.timedelta(days=20), first - dt.timedelta(days=31)
    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, gone, ["k-gone"], None)
        build_day(state, linked, ["k-linked"], None)
        assert build_day(state, DAY, ["k-new"], keep_from=first) == 2
        assert state.forgotten(linked) and state.articles_for_day(linked) == []
        assert [s.id for s in state.stories(linked, linked)] == [f"s-{linked}"]
        assert state.stories(gone, gone) == []


# --- articles.atom's entries, stored with each day -------------------------------------------


def test_a_days_article_entries_go_when_what_they_were_made_from_changes(tmp_path: Path) -> None:
    one, two, three = (DAY + dt.timedelta(days=n) for n in range(3))

    def made(**days: str) -> StoredEntries:  # each day's entries as text, the window from `one`
        return StoredEntries({dt.date.fromisoformat(d): v for d, v in days.items()}, one)

    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, one, ["k1"], None, made(**{one.isoformat(): "one"}))
        build_day(state, two, ["k2"], None, made(**{two.isoformat(): "two"}))
        # a build also stores what it made of an earlier day that had none (one, remade)
        build_day(
            state, three, ["k3"], None, made(**{three.isoformat(): "3", one.isoformat(): "1"})
        )
        assert state.article_entries(one) == {one: "1", two: "two", three: "3"}
        assert state.article_entries(two) == {two: "two", three: "3"}  # from the day asked
        # day two built again: its entries are the new build's, and day three's, which may
        # link to one of day two's stories ("Earlier:"), go; day one's stay
        build_day(state, two, ["k2", "k2b"], None, made(**{two.isoformat(): "two again"}))
        assert state.article_entries(one) == {one: "1", two: "two again"}
        # a build without the feed keeps none (turned on again, they are made anew)
        build_day(state, three, ["k3"], None, StoredEntries({}, dt.date.max))
        assert state.article_entries(one) == {}
        # a build whose feed starts later drops the days before its window
        build_day(state, one, ["k1"], None, made(**{one.isoformat(): "one"}))
        build_day(state, two, ["k2"], None, made(**{two.isoformat(): "two"}))
        build_day(state, three, ["k3"], None, StoredEntries({three: "three"}, two))
        assert state.article_entries(one) == {two: "two", three: "three"}
    with State.open(tmp_path / "s.sqlite") as state:  # stored: not this process's memory
        assert state.article_entries(one) == {two: "two", three: "three"}


def test_a_forgotten_days_article_entries_go_with_its_articles(tmp_path: Path) -> None:
    old, today = DAY - dt.timedelta(days=100), DAY
    with State.open(tmp_path / "s.sqlite") as state:
        build_day(state, old, ["k-old"], None, StoredEntries({old: "old"}, old))
        assert state.article_entries(old) == {old: "old"}
        # (a build whose feed still reaches back there, feed_days = 365)
        build_day(state, today, ["k"], today - dt.timedelta(days=89), StoredEntries({}, old))
        assert state.forgotten(old) and state.article_entries(old) == {}


def test_a_state_from_before_article_entries_were_stored_has_none(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        build_day(state, DAY, ["k1"], None)
    with sqlite3.connect(path) as db:  # as the version before them left it
        db.execute("ALTER TABLE days DROP COLUMN article_entries")
        db.execute("ALTER TABLE stories DROP COLUMN published")  # (added after it)
        db.execute("ALTER TABLE sends DROP COLUMN deferred")  # (added after it)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        db.execute(f"PRAGMA user_version = {version - 7}")
    with State.open(path) as state:
        assert state.article_entries(DAY) == {}  # made again by the next build, as before
        later = DAY + dt.timedelta(days=1)
        build_day(state, later, ["k2"], None, StoredEntries({later: "2", DAY: "1"}, DAY))
        assert state.article_entries(DAY) == {DAY: "1", later: "2"}


def test_a_lookup_in_a_file_a_build_has_not_brought_up_to_date_finds_its_sources(
    tmp_path: Path,
) -> None:
    # The commands that only look (digest check, 'sources remove' by a title) read the file as
    # it is: a column added since (body_hash) made them find no source at all, and their
    # titles with them, until the next build.
    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        read = SourceHealth("mw.rss", "mw.rss", True, 2, title="Macworld")
        state.commit_build(DAY, [], [], None, NOW, [read])
    with sqlite3.connect(path) as db:  # as the version before body hashes were kept left it
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {version - 3}")
    assert read_source_locations(path) == [("mw.rss", "mw.rss", None)]  # (no key_scope yet)
    (found,) = read_source_records(path).values()
    assert (found.name, found.title, found.items, found.body_hash) == (
        "mw.rss",
        "Macworld",
        2,
        None,
    )


def test_a_sources_own_title_is_kept_until_a_read_gives_another_and_added_to_older_files(
    tmp_path: Path,
) -> None:
    from digest.model import Source

    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("Old", "o.xml", True, 1)])
    with sqlite3.connect(path) as db:  # as the version before titles were kept left it
        db.execute("ALTER TABLE sources DROP COLUMN title")
        db.execute("ALTER TABLE sources DROP COLUMN body_hash")
        db.execute("ALTER TABLE sources DROP COLUMN read_with")
        db.execute("ALTER TABLE sources DROP COLUMN key_scope")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {version - 4}")
    unnamed = Source("mw.rss", "feed", "mw.rss", named=False)
    with State.open(path) as state:
        old = state.source("Old")
        assert old is not None and old.title is None and old.items == 1  # nothing else lost
        read = SourceHealth("mw.rss", "mw.rss", True, 2, title="Macworld")
        state.commit_build(DAY, [], [], None, NOW, [read])
        assert state.source("mw.rss").shown(unnamed) == "Macworld"
        # a "304 Not Modified" (no title read) and a failure keep it; the config's name wins
        unchanged = SourceHealth("mw.rss", "mw.rss", True, 2)
        failed = SourceHealth("mw.rss", "mw.rss", False, problem="HTTP 500")
        state.commit_build(DAY, [], [], None, NOW, [unchanged])
        state.commit_build(DAY, [], [], None, NOW, [failed])
        assert state.source("mw.rss").shown(unnamed) == "Macworld"
        named = Source("Mine", "feed", "mw.rss")
        assert state.source("mw.rss").shown(named) == "Mine"
        # renamed by its publisher
        renamed = SourceHealth("mw.rss", "mw.rss", True, 2, title="Macworld UK")
        state.commit_build(DAY, [], [], None, NOW, [renamed])
        assert state.source("mw.rss").shown(unnamed) == "Macworld UK"
        # another address is another document: its title is not this one's
        moved = Source("mw.rss", "feed", "elsewhere.rss", named=False)
        assert state.source("mw.rss").shown(moved) == "mw.rss"
        state.commit_build(DAY, [], [], None, NOW, [SourceHealth("mw.rss", "elsewhere.rss", True)])
        assert state.source("mw.rss").title is None
        # a read that gives no title: the made name
        state.commit_build(
            DAY, [], [], None, NOW, [SourceHealth("mw.rss", "mw.rss", True, title="")]
        )
        assert state.source("mw.rss").shown(unnamed) == "mw.rss"


def test_two_sources_whose_feeds_give_one_title_are_shown_by_their_own_names(
    tmp_path: Path,
) -> None:
    # two feeds of one site, both titled "Example News": a failure of one read as the other's,
    # and a report naming each source once lost one of them
    from digest.model import Source
    from digest.state import shown_names

    world = Source("example.org/world.xml", "feed", "world.xml", named=False)
    sport = Source("example.org/sport.xml", "feed", "sport.xml", named=False)
    quay = Source("quay.xml", "feed", "quay.xml", named=False)
    mine = Source("Quay Daily", "feed", "mine.xml")  # named in the config: always its name
    reads = [
        SourceHealth(world.name, "world.xml", True, 1, title="Example News"),
        SourceHealth(sport.name, "sport.xml", True, 1, title="Example News"),
        SourceHealth(quay.name, "quay.xml", True, 1, title="Quay Daily"),
        SourceHealth(mine.name, "mine.xml", True, 1, title="Something Else"),
    ]
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(DAY, [], [], None, NOW, reads)
        records = {r.name: r for r in state.sources()}
    assert shown_names([world, sport, quay, mine], records) == {
        world.name: world.name,
        sport.name: sport.name,
        quay.name: quay.name,  # its title is another source's name
        mine.name: "Quay Daily",
    }
    assert shown_names([world, quay], records)[world.name] == "Example News"  # alone: its title


def test_a_runs_names_follow_the_titles_its_reads_give(tmp_path: Path) -> None:
    # a source is named in what a build says as its stories are: by the title this run's read
    # gave, not only the last run's (a first run named a new feed by its address)
    from digest.model import Source
    from digest.state import ShownNames

    world = Source("example.org/world.xml", "feed", "world.xml", named=False)
    asia = Source("example.org/asia.xml", "feed", "asia.xml", named=False)
    mine = Source("Quay Daily", "feed", "mine.xml")  # named in the config: always its name
    with State.open(tmp_path / "s.sqlite") as state:
        state.commit_build(
            DAY, [], [], None, NOW, [SourceHealth(asia.name, "asia.xml", True, 1, title="Asia")]
        )
        records = {r.name: r for r in state.sources()}
    names = ShownNames([world, asia, mine], records)
    assert [names[s.name] for s in (world, asia, mine)] == [world.name, "Asia", "Quay Daily"]
    names.read(world, "Example News – World")  # read for the first time
    names.read(asia, "Example News – Asia")  # its publisher's name now before its section
    names.read(mine, "Something Else")
    assert names.every() == {
        world.name: "Example News – World",
        asia.name: "Example News – Asia",
        mine.name: "Quay Daily",
    }
    names.read(world, "Example News – Asia")  # two of one title: each by its own key
    assert (names[world.name], names[asia.name]) == (world.name, asia.name)
    names.read(asia, "")  # a read that gives no title: its made name, and the other's alone
    assert (names[world.name], names[asia.name]) == ("Example News – Asia", asia.name)
    assert names["not configured"] == "not configured"
