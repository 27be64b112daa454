"""digest.usecases, called directly: the bundled seeds, a real state file, a real SMTP server.

The seeds are dated by their files' times, pinned here to a few hours before NOW; every
email goes to an aiosmtpd server on 127.0.0.1, through the real smtplib path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import io
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ports import closed_port
from seedsite import SEEDS, copy_seeds
from smtpserver import Recorder, smtp_server
from stateholder import held_whole

from digest import usecases
from digest.config import Config, EmailConfig, load_config
from digest.mail import MailError
from digest.model import Source
from digest.pipeline import build
from digest.sources.errors import SourceError
from digest.state import RunLock, State, StateLockedError

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
RECIPIENTS = ("ana@example.org", "bruno@example.org")
SEED_WITH_BOILERPLATE = SEEDS / "002_f1ea61f959c679cd.txt"
PAGES = Path(__file__).parent / "fixtures" / "pages"
OPML = Path(__file__).parent / "fixtures" / "opml" / "subscriptions.opml"


@pytest.fixture
def site(tmp_path: Path) -> Config:
    """A config reading a copy of the seeds, dated three hours before NOW; no email."""
    seeds = copy_seeds(tmp_path, NOW - dt.timedelta(hours=3))
    return Config(
        title="Morning Read",
        site_url="https://example.org/news/",
        sources=(Source("seeds", "folder", str(seeds)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )


def with_email(config: Config, port: int) -> Config:
    """``config`` emailing through 127.0.0.1:``port``, with no login."""
    mail = EmailConfig(
        sender="Digest <digest@example.org>",
        recipients=RECIPIENTS,
        smtp_host="127.0.0.1",
        smtp_port=port,
        security="none",
        timeout=5.0,
    )
    return dataclasses.replace(config, email=mail)


class LockProbe(Recorder):
    """A Recorder that tries the run lock while the message arrives: is the send under it?"""

    def __init__(self, state: Path) -> None:
        super().__init__()
        self.state = state
        self.locked_during_send: list[bool] = []

    async def handle_DATA(self, server, session, envelope):
        try:
            with RunLock(self.state):
                self.locked_during_send.append(False)
        except StateLockedError:
            self.locked_during_send.append(True)
        return await super().handle_DATA(server, session, envelope)


def sent_at(config: Config) -> dt.datetime | None:
    """When DAY's digest was emailed, as the state file says."""
    with State.open(config.state) as state:
        return state.sent_at(DAY)


# --- build_day --------------------------------------------------------------------------------


def test_build_day_writes_the_days_pages_from_the_seeds(site: Config) -> None:
    result = usecases.build_day(site, DAY, now=NOW)
    assert result.digest.day == DAY and len(result.digest.stories) == 1  # three reports
    assert result.summary_line.startswith("2026-11-21: 1 story (3 new articles); 1 source read")
    assert (site.output / "2026-11-21.html").is_file()
    assert site.output / "index.html" in result.written


def test_build_day_refuses_a_day_after_today_before_reading_anything(site: Config) -> None:
    usecases.check_day(site, DAY, NOW)  # today is allowed
    with pytest.raises(usecases.FutureDayError) as refused:
        usecases.build_day(site, DAY + dt.timedelta(days=1), now=NOW)
    assert refused.value.problem == "2026-11-22 is in the future (today is 2026-11-21 in UTC)"
    assert refused.value.advice.startswith("give today's date or an earlier one")
    assert isinstance(refused.value, usecases.UsageError)
    assert not site.output.exists() and not site.state.exists()


# --- days whose articles are no longer kept ----------------------------------------------------


def news_on(site: Config, day: dt.date) -> dt.datetime:
    """A new article in the seeds folder, dated on ``day``; the time a build of it runs."""
    folder = Path(site.sources[0].location)
    path = folder / f"news-{day}.txt"
    path.write_text(
        f"Title: Harbour cranes arrive\n\nThe harbour authority said on {day:%A} that the "
        "two cranes ordered last year had arrived and would be working within a month.",
        encoding="utf-8",
    )
    when = dt.datetime.combine(day, dt.time(6), dt.UTC)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return when + dt.timedelta(hours=12)


def test_a_day_past_keep_days_is_forgotten_and_not_built_or_sent_again(site: Config) -> None:
    first = usecases.build_day(site, DAY, now=NOW)
    keys = [article.key for story in first.digest.stories for article in story.articles]
    later = DAY + dt.timedelta(days=100)
    usecases.build_day(site, later, now=news_on(site, later))  # keep_days is 90
    page = site.output / f"{DAY}.html"
    built = page.read_bytes()
    assert first.digest.stories[0].headline.encode() in built
    with pytest.raises(usecases.ForgottenDayError) as refused:
        usecases.build_day(site, DAY, now=news_on(site, later))
    assert refused.value.problem == (
        "2026-11-21 is a day whose articles the state has dropped (it keeps those of the "
        "last 90 days built)"
    )
    assert "its page in the output folder is left as it was built" in refused.value.advice
    assert isinstance(refused.value, usecases.UsageError)
    assert page.read_bytes() == built  # the page stays as it was built
    # nor is it rendered again as the neighbour of a new day (without its articles)
    between = DAY + dt.timedelta(days=50)
    usecases.build_day(site, between, now=news_on(site, between) + dt.timedelta(days=51))
    assert (site.output / f"{between}.html").is_file()
    assert page.read_bytes() == built
    with pytest.raises(usecases.ForgottenDayError):
        usecases.send_day(site, DAY, dry_run=True, out=io.StringIO(), now=news_on(site, later))
    with pytest.raises(usecases.ForgottenDayError):
        usecases.stories_of_day(site, DAY, now=news_on(site, later))
    with State.open(site.state) as state:  # what it showed is still known: never shown again
        assert state.forgotten(DAY) and len(keys) == 3
        assert {r.day for r in state.entries(keys).values()} == {DAY.isoformat()}
        assert len(state.entries(keys)) == 3


def test_a_day_sent_and_forgotten_is_still_said_to_be_sent(site: Config) -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        config = with_email(site, port)
        usecases.send_day(config, DAY, now=NOW)
        later = DAY + dt.timedelta(days=100)
        usecases.build_day(config, later, now=news_on(config, later))
        with pytest.raises(MailError, match="already sent") as refused:
            usecases.send_day(config, DAY, now=news_on(config, later))
        assert "--force" not in refused.value.advice  # which could only be refused too
        assert "no longer kept" in refused.value.advice
        assert "(" not in refused.value.advice  # it is shown in parentheses
        with pytest.raises(usecases.ForgottenDayError):  # nor previewed as an empty day
            usecases.send_day(
                config, DAY, dry_run=True, out=io.StringIO(), now=news_on(config, later)
            )
        with pytest.raises(usecases.ForgottenDayError):  # forced, it cannot be made again
            usecases.send_day(config, DAY, force=True, now=news_on(config, later))
    assert len(handler.envelopes) == 1


def test_days_are_kept_counting_back_from_the_newest_day_built(site: Config) -> None:
    # as the feeds count theirs: a run on a day that brings nothing must not drop a day
    # that feed.atom still shows
    site = dataclasses.replace(site, keep_days=30, feed_days=30)
    oldest = DAY - dt.timedelta(days=29)  # the oldest day feed.atom shows, DAY the newest
    usecases.build_day(site, oldest, now=news_on(site, oldest))
    usecases.build_day(site, DAY, now=NOW)
    quiet = usecases.build_day(site, now=NOW + dt.timedelta(days=1))  # nothing new
    assert not quiet.digest.stories and quiet.day == DAY + dt.timedelta(days=1)
    with State.open(site.state) as state:
        assert not state.forgotten(oldest)
        # (its page is listed in the archive, as empty, but moves neither window)
        assert [d.story_count for d in state.days() if d.day == quiet.day] == [0]
    feed = (site.output / "feed.atom").read_text(encoding="utf-8")
    assert '<content type="html"/>' not in feed


def test_a_build_that_drops_several_days_at_once_says_so(site: Config) -> None:
    for back in (200, 150):
        day = DAY - dt.timedelta(days=back)
        assert not usecases.build_day(site, day, now=news_on(site, day)).warnings
    result = usecases.build_day(site, DAY, now=news_on(site, DAY))
    (said,) = [w for w in result.warnings if "were dropped" in w]
    assert said.startswith("the articles of 2 days before 2026-08-24 were dropped from the state")
    assert "can no longer be built or sent again" in said and "keep_days = 0" in said
    later = DAY + dt.timedelta(days=1)  # each day's build forgets one day: nothing said
    assert not usecases.build_day(site, later, now=news_on(site, later)).warnings


def test_keep_days_0_keeps_every_day(site: Config) -> None:
    site = dataclasses.replace(site, keep_days=0)
    usecases.build_day(site, DAY, now=NOW)
    later = DAY + dt.timedelta(days=1000)
    usecases.build_day(site, later, now=news_on(site, later))
    rebuilt = usecases.build_day(site, DAY, now=news_on(site, later))
    assert len(rebuilt.digest.stories) == 1 and rebuilt.new_articles == 0


def test_keep_days_is_never_fewer_than_feed_days() -> None:
    config = Config(keep_days=10, feed_days=30)
    assert config.keep_from(DAY) == DAY - dt.timedelta(days=29)
    assert Config().keep_from(DAY) == DAY - dt.timedelta(days=89)
    assert Config(keep_days=0).keep_from(DAY) is None


# --- send_day ---------------------------------------------------------------------------------


def test_send_day_refuses_a_future_day_and_builds_nothing(site: Config) -> None:
    with pytest.raises(usecases.FutureDayError):
        usecases.send_day(site, DAY + dt.timedelta(days=1), dry_run=True, now=NOW)
    assert not site.output.exists() and not site.state.exists()


def test_send_day_builds_a_day_never_built_then_sends_it_under_the_lock(site: Config) -> None:
    handler = LockProbe(site.state)
    with smtp_server(handler) as port:
        config = with_email(site, port)
        result = usecases.send_day(config, DAY, now=NOW)
    assert result.sent and sorted(result.recipients) == sorted(RECIPIENTS)
    assert handler.locked_during_send == [True]
    assert (site.output / "2026-11-21.html").is_file()  # built on the way
    (envelope,) = handler.envelopes
    message = email.message_from_bytes(envelope.original_content)
    assert message["Subject"] and "Morning Read" in message["Subject"]
    assert sent_at(config) == NOW


def test_send_day_gives_the_build_it_ran_to_its_caller_before_the_email_goes(
    site: Config,
) -> None:
    # what the build found (failed sources, warnings, notes) is the caller's to say: before
    # the email is sent, so that a failed email hides none of it
    handler = Recorder()
    heard: list[tuple[dt.date, int]] = []
    with smtp_server(handler) as port:
        config = with_email(site, port)
        usecases.send_day(
            config,
            DAY,
            now=NOW,
            on_build=lambda built: heard.append((built.day, len(handler.envelopes))),
        )
        assert heard == [(DAY, 0)]
        # a day built already is sent as stored: no build to tell of
        usecases.send_day(
            config, DAY, force=True, now=NOW, on_build=lambda built: heard.append((built.day, -1))
        )
    assert heard == [(DAY, 0)] and len(handler.envelopes) == 2


def test_send_day_sends_the_stored_digest_of_a_built_day(site: Config) -> None:
    built = usecases.build_day(site, DAY, now=NOW)
    page = (site.output / "2026-11-21.html").stat()
    handler = LockProbe(site.state)
    with smtp_server(handler) as port:
        result = usecases.send_day(with_email(site, port), DAY, now=NOW)
    assert result.sent and handler.locked_during_send == [True]
    assert (site.output / "2026-11-21.html").stat().st_ino == page.st_ino  # not built again
    count = len(built.digest.stories)
    label = f"{count} {'story' if count == 1 else 'stories'}"
    assert label.encode() in handler.envelopes[0].original_content


def test_send_day_refuses_a_day_already_sent_unless_forced(site: Config) -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        config = with_email(site, port)
        usecases.send_day(config, DAY, now=NOW)
        with pytest.raises(MailError, match="already sent"):
            usecases.send_day(config, DAY, now=NOW + dt.timedelta(hours=1))
        assert len(handler.envelopes) == 1
        usecases.send_day(config, DAY, force=True, now=NOW + dt.timedelta(hours=2))
    assert len(handler.envelopes) == 2
    assert sent_at(config) == NOW + dt.timedelta(hours=2)


def test_send_day_dry_run_writes_or_prints_the_message_and_records_nothing(
    site: Config,
) -> None:
    config = with_email(site, closed_port())  # nothing listens there
    written = usecases.send_day(config, DAY, to_file=site.output / "day.eml", now=NOW)
    assert not written.sent and written.written == site.output / "day.eml"
    assert b"multipart/alternative" in (site.output / "day.eml").read_bytes()
    out = io.StringIO()
    printed = usecases.send_day(config, DAY, dry_run=True, out=out, now=NOW)
    assert not printed.sent and "multipart/alternative" in out.getvalue()
    assert sent_at(config) is None


def test_send_day_while_another_run_holds_the_lock_fails_at_once(site: Config) -> None:
    handler = Recorder()
    with (
        smtp_server(handler) as port,
        RunLock(site.state),
        pytest.raises(StateLockedError, match="another digest run"),
    ):
        usecases.send_day(with_email(site, port), DAY, now=NOW)
    assert handler.envelopes == [] and not site.output.exists()


# --- build_then_send --------------------------------------------------------------------------


def test_build_then_send_without_email_only_builds(site: Config) -> None:
    done = usecases.build_then_send(site, now=NOW)
    assert done.sent is None and not done.already_sent
    assert done.summary_line == done.built.summary_line
    assert (site.output / "2026-11-21.html").is_file()


def test_build_then_send_emails_a_day_once(site: Config) -> None:
    handler = LockProbe(site.state)
    with smtp_server(handler) as port:
        config = with_email(site, port)
        first = usecases.build_then_send(config, now=NOW)
        again = usecases.build_then_send(config, now=NOW + dt.timedelta(hours=3))
    assert first.sent is not None and first.built.digest.day == DAY
    assert first.summary_line == f"{first.built.summary_line}; emailed to 2 recipient(s)"
    assert again.sent is None and again.already_sent
    assert again.summary_line == f"{again.built.summary_line}; already emailed today"
    assert len(handler.envelopes) == 1 and handler.locked_during_send == [True]


def test_build_then_send_keeps_the_site_when_the_email_fails(site: Config) -> None:
    config = with_email(site, closed_port())  # nothing listens there
    with pytest.raises(usecases.EmailFailedError) as failed:
        usecases.build_then_send(config, now=NOW)
    built = failed.value.built
    assert built.new_articles == 3 and (site.output / "index.html").is_file()
    assert str(failed.value).startswith(f"{built.summary_line}; email failed: ")
    assert "127.0.0.1" in failed.value.problem and failed.value.advice
    assert sent_at(config) is None  # the next run tries again


# --- read_one_article -------------------------------------------------------------------------


def test_read_one_article_cleans_and_summarises_a_text_file_as_a_build_does(
    site: Config,
) -> None:
    article = usecases.read_one_article(site, str(SEED_WITH_BOILERPLATE))
    assert article.source == "seeds" and article.title.startswith("Maduro Venezuela US Talks")
    assert article.summary[0].startswith("The US is striking targets")
    text = " ".join(p.text for p in article.paragraphs)
    assert "AI-generated" not in text and "Sign in to join" not in text
    assert any("AI-generated" in r.text for r in article.removed)

    built = usecases.build_day(site, DAY, now=NOW)
    from_build = next(
        a for s in built.digest.stories for a in s.articles if a.title == article.title
    )
    assert from_build.paragraphs == article.paragraphs
    assert from_build.summary == article.summary


def test_read_one_article_from_standard_input_tells_text_from_html(site: Config) -> None:
    text = usecases.read_one_article(
        site, "-", stdin=io.BytesIO(SEED_WITH_BOILERPLATE.read_bytes())
    )
    assert text.source == "stdin" and text.summary[0].startswith("The US is striking")
    page = usecases.read_one_article(
        site, "-", stdin=io.BytesIO((PAGES / "news_full.html").read_bytes())
    )
    gold = [p.strip() for p in (PAGES / "news_full.txt").read_text("utf-8").split("\n\n")]
    assert [p.text for p in page.paragraphs] == [p for p in gold if p]


def test_read_one_article_fetches_a_url(site: Config, http_server) -> None:
    http_server.route(
        "/story.html",
        body=(PAGES / "news_full.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    # 127.0.0.1, typed as such, names this machine: the user's own choice, read as asked.
    article = usecases.read_one_article(site, http_server.url("/story.html"))
    assert article.url == http_server.url("/story.html")
    assert article.source == urlsplit(http_server.url("/")).netloc
    assert article.paragraphs and article.summary


def test_read_one_article_keeps_to_the_network_policy(site: Config) -> None:
    url = "http://169.254.169.254/latest/meta-data/"  # link-local: never taken as one's own
    with pytest.raises(SourceError, match=r"169\.254\.169\.254 is a link-local address") as refused:
        usecases.read_one_article(site, url)
    assert "allow_private = true" in refused.value.advice


def test_read_one_article_warns_before_it_fails(site: Config, tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n\n", encoding="utf-8")
    heard: list[str] = []
    with pytest.raises(SourceError, match="no article text found"):
        usecases.read_one_article(site, str(blank), warn=heard.append)
    assert heard == [f"{blank}: no article text; skipped"]


def test_read_one_article_says_which_input_failed(site: Config, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"cannot read .*missing\.txt"):
        usecases.read_one_article(site, str(tmp_path / "missing.txt"))
    with pytest.raises(SourceError, match=r"homepage\.html: no article text") as failed:
        usecases.read_one_article(site, str(PAGES / "homepage.html"))
    assert failed.value.advice


# --- the sources ------------------------------------------------------------------------------


def test_add_then_remove_a_source_in_a_new_config_file(tmp_path: Path) -> None:
    copy_seeds(tmp_path)
    path = tmp_path / "digest.toml"
    added = usecases.add_source(
        path,
        "https://news.example.org/rss.xml",
        name="Example News",
        category="News/World",
        max_items=10,
        discover=False,
    )
    assert (added.name, added.location, added.config_path) == (
        "Example News",
        "https://news.example.org/rss.xml",
        path,
    )
    seeds, example = load_config(path).sources
    assert seeds.name == "seeds"  # the defaults the user had are kept
    assert (example.category, example.max_items) == ("News/World", 10)

    with pytest.raises(usecases.UsageError, match="already a source"):
        usecases.add_source(path, "https://news.example.org/rss.xml", discover=False)

    removed = usecases.remove_source(path, "https://news.example.org/rss.xml")
    assert removed.name == "Example News" and removed.state == load_config(path).state
    assert [s.name for s in load_config(path).sources] == ["seeds"]


def test_removing_from_a_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(usecases.UsageError) as refused:
        usecases.remove_source(tmp_path / "digest.toml", "anything")
    assert refused.value.advice == "nothing to remove"


def test_source_health_and_forgetting_it(site: Config) -> None:
    assert usecases.source_health(site) == [(site.sources[0], None)]  # never read
    usecases.build_day(site, DAY, now=NOW)
    ((source, record),) = usecases.source_health(site)
    assert record is not None and record.items == 3 and record.consecutive_failures == 0
    usecases.forget_source_health(site.state, source.name)
    assert usecases.source_health(site) == [(source, None)]
    usecases.forget_source_health(site.state.with_name("none.sqlite"), "seeds")  # no file: fine


def test_a_source_renamed_since_the_last_build_is_listed_with_its_health(site: Config) -> None:
    usecases.build_day(site, DAY, now=NOW)
    renamed = dataclasses.replace(
        site, sources=(dataclasses.replace(site.sources[0], name="Clippings"),)
    )
    ((source, record),) = usecases.source_health(renamed)
    assert source.name == "Clippings" and record is not None and record.items == 3


def test_import_opml_adds_each_feed_once(tmp_path: Path) -> None:
    path = tmp_path / "digest.toml"
    path.write_text('title = "T"\n', encoding="utf-8")
    first = usecases.import_opml(path, OPML)
    # and no page; the sixth feed's address is javascript:, which is not imported
    assert (first.added, first.found) == (5, (("feed", 6),))
    assert [(s.label, s.line) for s in first.skipped] == [("Sneaky", 14)]
    again = usecases.import_opml(path, OPML)
    assert (again.added, again.found) == (0, (("feed", 6),))
    assert len(load_config(path).sources) == 5


def test_import_opml_names_the_file_it_could_not_use(tmp_path: Path) -> None:
    path = tmp_path / "digest.toml"
    with pytest.raises(SourceError, match=r"cannot read .*none\.opml"):
        usecases.import_opml(path, tmp_path / "none.opml")
    (tmp_path / "bad.opml").write_text("<notopml/>", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad\.opml: not an OPML file") as failed:
        usecases.import_opml(path, tmp_path / "bad.opml")
    assert failed.value.advice and not path.exists()


def test_export_sources_names_the_local_ones_it_left_out(site: Config) -> None:
    harbour = Source("Harbour", "feed", "https://news.example.org/feed.xml")
    config = dataclasses.replace(site, sources=(*site.sources, harbour))
    exported = usecases.export_sources(config)
    assert exported.left_out == ("seeds",)
    assert exported.opml.count(b"xmlUrl=") == 1 and b"Morning Read sources" in exported.opml


def test_listing_and_grouping_name_the_sources_by_the_state_they_open(tmp_path: Path) -> None:
    """As a build does: a config loaded while another program held the state has the made
    names of the sources it leaves unnamed, which the state knows nothing of."""
    host = f"127.0.0.1:{closed_port()}"  # (refused: the state keeps them all the same)
    path = tmp_path / "digest.toml"
    feeds = [f'[[sources]]\nurl = "http://{host}/{name}.xml"\n' for name in ("a", "b")]
    path.write_text("".join(feeds))
    build(load_config(path), DAY, now=NOW)
    path.write_text(feeds[0])  # the other feed removed: the first one's made name is its host
    with held_whole(tmp_path / "digest-state.sqlite"):
        config = load_config(path)
    assert [s.name for s in config.sources] == [host]
    ((source, record),) = usecases.source_health(config)
    assert source.name == f"{host}/a.xml"
    assert record is not None and record.consecutive_failures == 1
    stories = usecases.stories_of_day(config, DAY, now=NOW + dt.timedelta(minutes=10))
    assert [failure.source for failure in stories.digest.failures] == [f"{host}/a.xml"]
