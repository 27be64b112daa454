"""digest build, as a user types it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from seedsite import SEEDS_DAY

from digest.cli import EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from digest.state import RunLock


def test_build_with_no_config_reads_seeds_into_output(workdir: Path, capsys) -> None:
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1 story (3 new articles)" in out  # the seeds are three reports of one event
    assert (workdir / "output" / f"{SEEDS_DAY}.html").is_file()
    assert (workdir / "output" / "feed.atom").is_file()
    assert (workdir / "digest-state.sqlite").is_file()


def test_the_summary_line_and_the_page_do_not_give_two_counts_of_sources_alike(
    workdir: Path, capsys
) -> None:
    # a source read with nothing new for the day: read by the run, behind none of its stories
    (workdir / "quiet").mkdir()
    (workdir / "digest.toml").write_text(
        '[[sources]]\npath = "seeds"\n[[sources]]\npath = "quiet"\n', encoding="utf-8"
    )
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    (summary, *_) = capsys.readouterr().out.splitlines()
    page = (workdir / "output" / f"{SEEDS_DAY}.html").read_text(encoding="utf-8")
    assert '<p class="lede">1 story from 1 source</p>' in page  # the sources of its stories
    assert "; 2 sources read, 0 failed, " in summary, summary  # the sources the run read
    assert " from " not in summary, summary


def test_a_build_without_site_url_says_once_that_the_feeds_links_are_relative(
    workdir: Path, capsys
) -> None:
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    err = capsys.readouterr().err  # (a note, beside the first run's: not the summary)
    assert err.count("site_url is not set: the feeds' links are relative") == 1
    assert err.splitlines()[-1].startswith("note: site_url is not set")
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK  # not a warning: cron is not told
    assert capsys.readouterr() == ("", "")
    (workdir / "digest.toml").write_text(
        'site_url = "https://example.org/digest/"\n[[sources]]\npath = "seeds"\n',
        encoding="utf-8",
    )
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    assert "note:" not in capsys.readouterr().err


def test_a_verbose_build_says_its_summary_once(workdir: Path) -> None:
    # -v showed the build's own debug line ("note: built 2026-...: 1 story ...") above the
    # summary line saying the same; 'digest run -v' logged it twice alike
    for command in (["build", "-v", "--date", SEEDS_DAY], ["run", "--once", "-v"]):
        done = subprocess.run(
            [sys.executable, "-m", "digest", *command],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == EXIT_OK, done.stderr
        said = done.stdout + done.stderr
        assert said.count(" new articles); 1 source read, 0 failed, ") == 1, said


def test_second_build_while_locked_exits_75(workdir: Path, capsys) -> None:
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["build"]) == EXIT_LOCKED
    assert "another digest run" in capsys.readouterr().err


def test_a_date_far_in_the_future_is_refused(workdir: Path, capsys) -> None:
    assert main(["build", "--date", "2099-01-01"]) == EXIT_USAGE
    assert "in the future" in capsys.readouterr().err
    assert not (workdir / "output").exists()


def test_a_wrong_source_entry_does_not_stop_the_build(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text(
        '[[sources]]\npath = "seeds"\n'
        '[[sources]]\nname = "Typo"\nurl = "htps://example.org/feed.xml"\n',
        encoding="utf-8",
    )
    assert main(["build"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "Typo: not read: the config entry is wrong" in err
    assert "digest.toml: [[sources]] #2: line 5: key 'url': must be" in err
    assert "did you mean 'https://example.org/feed.xml'?" in err
    page = (workdir / "output" / "index.html").read_text(encoding="utf-8")
    assert "<strong>Typo</strong>: its entry in the configuration is wrong" in page
    assert "line 5" not in page and "fix this" not in page  # the report's, not ours
    assert page.count('class="story"') == 1 and page.count('<li id="story-') == 3  # the seeds


def test_a_file_name_cannot_forge_a_line_of_the_build_s_report(workdir: Path, capsys) -> None:
    # what cron mails is the build's standard error: a file named with a line break in it
    # must not start a line of its own there ("warning: all sources fine"), nor move a
    # terminal's cursor with an escape sequence
    notes = workdir / "notes"
    notes.mkdir()
    (notes / "real.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after a week of repairs.\n",
        encoding="utf-8",
    )
    (notes / "x\nwarning: every source was read\x1b[2K.txt").write_text("", encoding="utf-8")
    (workdir / "digest.toml").write_text('[[sources]]\npath = "notes"\n', encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines and all(line.startswith(("warning: ", "digest: ", "note: ")) for line in lines)
    assert not any(line.startswith("warning: every source") for line in lines)
    assert "\x1b" not in err and "\\n" in err


def test_the_published_outputs_name_a_failed_source_without_the_operator_s_details(
    workdir: Path, http_server, capsys
) -> None:
    # The site is published and the email goes to its readers; a failed source's error names
    # the operator's addresses, logins, tokens, files and config: those go to the build's
    # report (standard error, which cron mails to whoever runs it), never to the outputs.
    import email as email_parser

    http_server.route("/private.xml", status=404, body="no")
    login = f"http://ana:hunter2@127.0.0.1:{http_server.port}/private.xml?token=s3cr3t"
    (workdir / "digest.toml").write_text(
        'site_url = "https://example.org/news/"\narticles_feed = true\n'
        '[[sources]]\npath = "seeds"\n'
        f'[[sources]]\nurl = "{login}"\nallow_private = true\n'
        '[[sources]]\nname = "Notes"\npath = "/nonexistent/home/ana/notes.xml"\nkind = "feed"\n'
        '[[sources]]\nurl = "ftp://ana:hunter2@files.example.org/feed?token=s3cr3t"\n'
        '[email]\nfrom = "Digest <digest@example.org>"\nto = ["ana@example.org"]\n'
        'smtp_host = "127.0.0.1"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    report = capsys.readouterr().err
    assert "HTTP 404" in report and "/nonexistent/home/ana/notes.xml" in report
    assert "[[sources]] #4: line 13: key 'url'" in report  # the wrong entry, as the user counts
    assert main(["send", "-q", "--date", SEEDS_DAY, "--to-file", "out.eml"]) == EXIT_OK
    message = email_parser.message_from_bytes((workdir / "out.eml").read_bytes())
    outputs = {p.name: p.read_text("utf-8") for p in (workdir / "output").iterdir()}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            outputs[part.get_content_type()] = part.get_payload(decode=True).decode()
    assert set(outputs) >= {"index.html", f"{SEEDS_DAY}.html", "text/plain", "text/html"}
    private = ["hunter2", "s3cr3t", "ana:", "nonexistent", "/private.xml", "HTTP 404"]
    private += [str(workdir), "digest.toml", "[[sources]]", "check the URL"]
    for name, text in outputs.items():
        assert not [p for p in private if p in text], name
    page = " ".join(outputs[f"{SEEDS_DAY}.html"].split())
    plain = " ".join(outputs["text/plain"].split())
    for said in (
        f"127.0.0.1:{http_server.port}</strong>: could not be downloaded",
        "Notes</strong>: its content could not be read",
        "files.example.org</strong>: its entry in the configuration is wrong",
    ):
        assert said in page and said.replace("</strong>", "") in plain


def test_a_first_build_says_how_many_old_entries_it_took_as_read_and_how_to_have_them(
    workdir: Path, capsys
) -> None:
    # new feeds whose entries are all older than the first-run window: the day shows none
    # of them, and nothing else would say why, nor that raising first_run_hours later is
    # too late
    import datetime as dt
    from email.utils import format_datetime

    now = dt.datetime.now(dt.UTC)

    def old_feed(name: str, count: int) -> None:
        items = "".join(
            f"<item><title>Harbour works, week {n}</title><link>https://{name}.example/{n}</link>"
            f"<pubDate>{format_datetime(now - dt.timedelta(days=2 + n))}</pubDate>"
            f"<description>The quay wall was repaired in week {n}.</description></item>"
            for n in range(count)
        )
        (workdir / f"{name}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}'
            "</channel></rss>",
            encoding="utf-8",
        )

    old_feed("quay", 3)
    old_feed("harbour", 7)
    config = '[[sources]]\nname = "Quay"\npath = "quay.xml"\nkind = "feed"\n'
    (workdir / "digest.toml").write_text(config, encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK  # -q keeps only what may need the user
    assert capsys.readouterr().err == ""
    config += '[[sources]]\nname = "Harbour Log"\npath = "harbour.xml"\nkind = "feed"\n'
    (workdir / "digest.toml").write_text(config, encoding="utf-8")
    assert main(["build"]) == EXIT_OK
    captured = capsys.readouterr()
    assert "0 stories (0 new articles)" in captured.out
    (note,) = [line for line in captured.err.splitlines() if "taken as read" in line]
    assert note.startswith("note: ")
    # the new source alone: Quay's backlog was taken as read by the run before
    assert "7 older entries of new sources (Harbour Log: 7) taken as read, not shown" in note
    assert "first_run_hours = 24" in note
    assert "before a source's first build" in note and "(0: everything)" in note
    # said once: the next build reads the feeds as known ones
    assert main(["build"]) == EXIT_OK
    assert "taken as read" not in capsys.readouterr().err


def test_a_first_build_of_an_undated_feed_says_that_only_0_brings_its_other_entries(
    workdir: Path, capsys
) -> None:
    # a feed with no dates: its first build shows its newest few entries; the rest are not
    # older than any window, and a longer first_run_hours would not bring them, 0 would
    from digest.intake import FIRST_RUN_UNDATED

    count = FIRST_RUN_UNDATED + 4
    items = "".join(
        f"<item><title>Ferry timetable, change {n}</title><link>https://ferry.example/{n}</link>"
        f"<description>The morning ferry now leaves at {n + 6} o'clock.</description></item>"
        for n in range(count)
    )
    (workdir / "ferry.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ferry</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    config = '[[sources]]\nname = "Ferry"\npath = "ferry.xml"\nkind = "feed"\n'
    (workdir / "digest.toml").write_text(config, encoding="utf-8")
    assert main(["build"]) == EXIT_OK
    captured = capsys.readouterr()
    assert f"({FIRST_RUN_UNDATED} new articles)" in captured.out
    (note,) = [line for line in captured.err.splitlines() if "taken as read" in line]
    assert "4 undated entries of new sources (Ferry: 4) taken as read, not shown" in note
    assert f"newest {FIRST_RUN_UNDATED} undated entries" in note
    assert "first_run_hours = 0 before a source's first build" in note
    assert "older" not in note and "set it higher" not in note


def test_a_new_undated_feed_built_first_for_an_earlier_day_waits_and_keeps_its_first_run(
    workdir: Path, capsys
) -> None:
    # An undated entry belongs to the day digest first sees it: a build of yesterday holds
    # them all for today, and says so. That build took none of them, so today's is still the
    # feed's first run: its newest few, not its whole backlog (the window was spent before).
    import datetime as dt

    from digest.intake import FIRST_RUN_UNDATED

    count = FIRST_RUN_UNDATED + 4
    items = "".join(
        f"<item><title>Ferry timetable, change {n}</title><link>https://ferry.example/{n}</link>"
        f"<description>The morning ferry now leaves at {n + 6} o'clock.</description></item>"
        for n in range(count)
    )
    (workdir / "ferry.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ferry</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    config = 'timezone = "UTC"\n[[sources]]\nname = "Ferry"\npath = "ferry.xml"\nkind = "feed"\n'
    (workdir / "digest.toml").write_text(config, encoding="utf-8")
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    assert main(["build", "--date", yesterday]) == EXIT_OK
    captured = capsys.readouterr()
    assert "0 stories (0 new articles)" in captured.out
    (held,) = [line for line in captured.err.splitlines() if "later day" in line]
    assert held.startswith(f"note: {count} undated entries (Ferry: {count}) left for a later")
    assert "belongs to the day digest first sees it" in held and yesterday in held
    assert main(["build", "-q", "--date", yesterday]) == EXIT_OK  # a note: not for cron
    assert capsys.readouterr().err == ""

    assert main(["build"]) == EXIT_OK
    captured = capsys.readouterr()
    assert f"({FIRST_RUN_UNDATED} new articles)" in captured.out
    (note,) = [line for line in captured.err.splitlines() if "taken as read" in line]
    assert "4 undated entries of new sources (Ferry: 4) taken as read, not shown" in note


def test_the_feeds_of_a_first_day_whose_every_source_failed_say_when_they_were_built(
    workdir: Path, capsys
) -> None:
    # no entry yet: each feed's <updated> (RFC 4287 requires one) was 1970-01-01, which a
    # feed reader shows as a feed dead for decades; it is the build's time, and a rerun
    # that changes nothing leaves the feeds byte for byte
    import datetime as dt

    from lxml import etree

    (workdir / "digest.toml").write_text(
        'articles_feed = true\n[[sources]]\nname = "Gone Gazette"\npath = "no-such-feed.xml"\n'
        'kind = "feed"\n',
        encoding="utf-8",
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert main(["build", "-q"]) == EXIT_OK
    after = dt.datetime.now(dt.UTC)
    assert "Gone Gazette" in capsys.readouterr().err
    schema = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "fixtures" / "atom.rng")))
    written = {}
    for name in ("feed.atom", "articles.atom"):
        written[name] = (workdir / "output" / name).read_bytes()
        root = etree.fromstring(written[name])
        assert schema.validate(root), schema.error_log
        assert root.findall("{http://www.w3.org/2005/Atom}entry") == []
        updated = dt.datetime.fromisoformat(root.findtext("{http://www.w3.org/2005/Atom}updated"))
        assert before <= updated <= after, (name, updated)
    (workdir / "output" / "index.html").unlink()  # a page missing: the day is rendered again
    assert main(["build", "-q"]) == EXIT_OK
    assert (workdir / "output" / "index.html").is_file()
    for name, data in written.items():
        assert (workdir / "output" / name).read_bytes() == data, name


def test_a_build_says_that_two_sources_read_one_address(workdir: Path, http_server, capsys) -> None:
    # fetched once for each entry, every build: a copied entry was read twice without a word
    http_server.route(
        "/feed.xml",
        body='<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
        "<link>https://example.org/</link><description>d</description></channel></rss>",
        headers={"Content-Type": "application/rss+xml"},
    )
    feed = http_server.url("/feed.xml")
    (workdir / "digest.toml").write_text(
        f'[fetch]\nallow_private = true\n\n[[sources]]\nname = "Harbour"\nurl = "{feed}"\n\n'
        f'[[sources]]\nname = "Harbour tech"\nurl = "{feed}"\ninclude = ["tech"]\n',
        encoding="utf-8",
    )
    assert main(["build"]) == EXIT_OK  # not refused: the two may differ on purpose
    err = capsys.readouterr().err
    assert (
        f"warning: {workdir / 'digest.toml'}: [[sources]] #1 (line 6) and [[sources]] #2 "
        "(line 10) read the same address (on 127.0.0.1:"
    ) in err
    assert len(http_server.requests_to("/feed.xml")) == 2  # as it says: once for each


def test_a_source_the_config_leaves_unnamed_has_one_name_in_all_a_build_says(
    workdir: Path, http_server, capsys
) -> None:
    # A section's feed, added by its address alone: the build's progress lines said the name
    # made from the address while the page said the feed's title, "Asia", which alone says
    # nothing of who wrote it. Every line, the page and 'sources list' now say one name, the
    # one its stories are shown by, in the build that first reads it and in those after.
    import datetime as dt
    import re
    from email.utils import format_datetime

    from httpserver import Reply

    now = dt.datetime.now(dt.UTC)

    def item(path: str, title: str, age: dt.timedelta) -> str:
        return (
            f"<item><title>{title}</title><link>{http_server.url(path)}</link>"
            f"<pubDate>{format_datetime(now - age)}</pubDate>"
            "<description>Farmers say the harvest is the poorest in a decade.</description>"
            "</item>"
        )

    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Asia</title>'
        "<link>https://www.economist.com/asia</link><description>d</description>"
        "<image><url>https://www.economist.com/logo.png</url><title>The Economist</title>"
        "<link>https://www.economist.com/</link></image>"
        + item("/asia/rice", "Rice prices climb as the monsoon fails", dt.timedelta(hours=1))
        + item("/asia/port", "A port reopens after the typhoon", dt.timedelta(days=4))
        + "</channel></rss>"
    )
    answers = {"status": 200}

    def answer(request) -> Reply:
        if answers["status"] != 200:
            return Reply(answers["status"], "no")
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, feed, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    http_server.route("/economist-asia.xml", answer)
    address = http_server.url("/economist-asia.xml")
    (workdir / "digest.toml").write_text(
        f'[fetch]\nallow_private = true\n\n[[sources]]\nurl = "{address}"\n', encoding="utf-8"
    )
    name = "The Economist – Asia"
    made = f"127.0.0.1:{http_server.port}"  # the name made from its address

    assert main(["build"]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"1/1 fetched: {name}\n" in err
    assert f"1 full-text page could not be read ({name})" in err  # its page: a 404
    assert f"1 older entry of new sources ({name}: 1) taken as read" in err
    assert made not in err
    page = (workdir / "output" / "index.html").read_text(encoding="utf-8")  # the day's
    assert set(re.findall(r'class="source">([^<]*)<', page)) == {name}

    assert main(["build"]) == EXIT_OK  # nothing new: the name its last read gave
    assert f"1/1 not modified: {name}\n" in capsys.readouterr().err

    answers["status"] = 404
    assert main(["build"]) == EXIT_OK
    err = capsys.readouterr().err
    assert f"1/1 not fetched: {name}\n" in err
    assert f"source failed: {name}: HTTP 404" in err
    assert made not in err

    assert main(["sources", "list"]) == EXIT_OK
    assert capsys.readouterr().out.startswith(f"{name}  [feed]")


def test_a_verbose_build_names_a_failed_source_once_and_as_its_stories_are(
    workdir: Path, http_server
) -> None:
    # -v said each failure twice, the second time ("note: source ... failed") by the name
    # made from the source's address rather than by its feed's title, as every other line
    # of the build and its page name it
    from httpserver import Reply

    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        "<link>https://example.org/</link><description>d</description></channel></rss>"
    )
    answers = [Reply(200, feed, {"Content-Type": "application/rss+xml"}), Reply(404, "no")]
    http_server.route("/news.xml", answers)
    (workdir / "digest.toml").write_text(
        f'[fetch]\nallow_private = true\n\n[[sources]]\nurl = "{http_server.url("/news.xml")}"\n',
        encoding="utf-8",
    )
    said = []
    for _ in answers:
        done = subprocess.run(
            [sys.executable, "-m", "digest", "build", "-v"],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == EXIT_OK, done.stderr
        said.append(done.stderr)
    assert "1/1 fetched: Harbour News\n" in said[0]
    assert "1/1 not fetched: Harbour News\n" in said[1]
    assert "source failed: Harbour News: HTTP 404 Not Found" in said[1]
    assert said[1].count("HTTP 404") == 1, said[1]
    assert f"127.0.0.1:{http_server.port}" not in said[1], said[1]


def test_two_unnamed_feeds_of_one_title_are_named_alike_on_the_page_and_in_the_report(
    workdir: Path, http_server, capsys
) -> None:
    # Two feeds of one site, both titled "Harbour News" and left unnamed: 'sources list', the
    # footer and the run's report name each by its own name, so that a failure of one does
    # not read as the other's, but their stories were both shown as "Harbour News" and the
    # page said "2 stories from 1 source"; 'digest check' named both "Harbour News" too.
    import datetime as dt
    import re
    from email.utils import format_datetime

    when = format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    texts = {
        "a": ("Ferry fares rise", "The ferry company raised its fares by a tenth on Monday."),
        "b": ("Library reopens", "The town library reopened after a year of roof repairs."),
    }
    for path, (title, text) in texts.items():
        http_server.route(
            f"/{path}.xml",
            body='<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            "<link>https://example.org/</link><description>d</description>"
            f"<item><title>{title}</title><guid isPermaLink='false'>{path}</guid>"
            f"<pubDate>{when}</pubDate><description>{text}</description></item>"
            "</channel></rss>",
            headers={"Content-Type": "application/rss+xml"},
        )
    (workdir / "digest.toml").write_text(
        "[fetch]\nallow_private = true\nfull_text_limit = 0\n\n"
        f'[[sources]]\nurl = "{http_server.url("/a.xml")}"\n\n'
        f'[[sources]]\nurl = "{http_server.url("/b.xml")}"\n',
        encoding="utf-8",
    )
    names = [f"127.0.0.1:{http_server.port}/{path}.xml" for path in texts]
    assert main(["build", "-q"]) == EXIT_OK
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert all(f"{name}  [feed]" in listed for name in names), listed
    page = (workdir / "output" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">2 stories from 2 sources</p>' in page
    assert sorted(re.findall(r'class="source">([^<]*)<', page)) == names
    assert main(["check"]) == EXIT_OK
    table = capsys.readouterr().out
    assert all(re.search(rf"^ok +source +{re.escape(name)} ", table, re.M) for name in names), table
    assert "Harbour News" not in table
