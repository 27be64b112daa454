"""digest sources, as a user types it: the config file edited in place."""

from __future__ import annotations

import datetime as dt
import time
from email.utils import format_datetime
from pathlib import Path

import pytest
from ports import closed_port
from seedsite import SEEDS_DAY
from stateholder import held_whole

from digest.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from digest.config import load_config


def test_sources_add_list_remove_keep_the_config_and_its_comments(workdir: Path, capsys) -> None:
    config_path = workdir / "digest.toml"
    config_path.write_text('# my digest\ntitle = "Mine"\n', encoding="utf-8")
    assert (
        main(
            [
                "sources",
                "add",
                "https://news.example.org/rss.xml",
                "--no-discover",
                "--name",
                "Example News",
                "--category",
                "News/World",
                "--max-items",
                "10",
            ]
        )
        == EXIT_OK
    )
    text = config_path.read_text("utf-8")
    assert text.startswith("# my digest")
    assert '\n\n[[sources]]\nname = "Example News"' in text  # set apart, as people write it
    (source,) = load_config(config_path).sources
    assert (source.name, source.category, source.max_items) == ("Example News", "News/World", 10)

    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "Example News" in listed and "never read" in listed

    assert main(["sources", "remove", "Example News"]) == EXIT_OK
    assert load_config(config_path).sources == ()
    assert main(["sources", "remove", "Nope"]) == EXIT_USAGE


def test_sources_added_one_after_another_are_set_apart_by_a_blank_line(workdir: Path) -> None:
    for name in ("One", "Two"):
        url = f"https://news.example.org/{name.lower()}.xml"
        assert main(["sources", "add", url, "--no-discover", "--name", name]) == EXIT_OK
    text = (workdir / "digest.toml").read_text("utf-8")
    assert '\n\n[[sources]]\nname = "Two"' in text
    assert "\n\n\n" not in text and not text.startswith("\n")


def test_sources_add_and_remove_edit_a_linked_config_where_it_is_and_keep_it_private(
    workdir: Path,
) -> None:
    kept = workdir / "dotfiles" / "digest.toml"
    kept.parent.mkdir()
    kept.write_text('title = "Mine"\n', encoding="utf-8")
    kept.chmod(0o600)
    (workdir / "digest.toml").symlink_to(kept)

    url = "https://news.example.org/rss.xml"
    assert main(["sources", "add", url, "--no-discover", "--name", "Example News"]) == EXIT_OK
    assert (workdir / "digest.toml").is_symlink()
    assert [s.name for s in load_config(kept).sources] == ["Example News"]
    assert kept.stat().st_mode & 0o777 == 0o600

    assert main(["sources", "remove", "Example News"]) == EXIT_OK
    assert (workdir / "digest.toml").is_symlink()
    assert load_config(kept).sources == ()
    assert kept.stat().st_mode & 0o777 == 0o600


def test_first_sources_add_keeps_the_default_seeds_folder(workdir: Path) -> None:
    main(["sources", "add", "https://a.example.org/feed", "--no-discover", "--name", "A"])
    names = [s.name for s in load_config(workdir / "digest.toml").sources]
    assert names == ["seeds", "A"]


def test_sources_import_and_export_opml(workdir: Path, capsys) -> None:
    opml = Path(__file__).parent / "fixtures" / "opml" / "subscriptions.opml"
    assert main(["sources", "import", str(opml)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "imported 5 of 6 sources from" in out and out.rstrip().endswith("(1 not imported)")
    assert "line 14: 'Sneaky' not imported: 'javascript:alert(1)' is not a web address" in err
    assert main(["sources", "import", str(opml)]) == EXIT_OK  # again: nothing duplicated
    assert "imported 0 of 6 sources" in capsys.readouterr().out
    config = load_config(workdir / "digest.toml")
    assert [s.category for s in config.sources if s.kind == "feed"][:2] == [
        "News/World",
        "News/World",
    ]
    assert main(["sources", "export", "-o", "out.opml"]) == EXIT_OK
    exported = (workdir / "out.opml").read_text("utf-8")
    assert exported.count("xmlUrl=") == 5 and "seeds" not in exported


def test_sources_add_finds_a_sites_feed_through_link_alternate(
    workdir: Path, http_server, capsys
) -> None:
    http_server.route(
        "/",
        body=(
            "<html><head><title>Harbour News</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">'
            "</head><body><p>Welcome</p></body></html>"
        ),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    http_server.route(
        "/feeds/all.xml",
        body=(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            "<link>https://example.org/</link><description>d</description></channel></rss>"
        ),
        headers={"Content-Type": "application/rss+xml"},
    )
    # The test server is on 127.0.0.1, outside the public internet: allowed, as an intranet is.
    assert main(["sources", "add", http_server.url("/"), "--allow-private"]) == EXIT_OK
    added = load_config(workdir / "digest.toml").sources[-1]
    assert (added.name, added.location) == ("Harbour News", http_server.url("/feeds/all.xml"))
    assert added.allow_private is True
    # the site again: what is already there is the feed it names, and the refusal says so
    capsys.readouterr()
    assert main(["sources", "add", http_server.url("/"), "--allow-private"]) == 2
    err = capsys.readouterr().err
    assert f"names the feed {http_server.url('/feeds/all.xml')}, which is already a source" in err
    assert "named 'Harbour News'" in err


def test_sources_add_takes_a_sites_main_feed_and_says_what_else_it_found(
    workdir: Path, http_server, capsys
) -> None:
    links = (
        ("Harbour News » Comments Feed", "/comments/feed/"),
        ("Harbour News » Feed", "/feed/"),
    )
    http_server.route(
        "/",
        body="<html><head><title>Harbour News</title>"
        + "".join(
            f'<link rel="alternate" type="application/rss+xml" title="{t}" href="{h}">'
            for t, h in links
        )
        + "</head><body><p>Welcome</p></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    for title, path in links:
        http_server.route(
            path,
            body=f'<rss version="2.0"><channel><title>{title}</title></channel></rss>',
            headers={"Content-Type": "application/rss+xml"},
        )
    assert main(["sources", "add", http_server.url("/"), "--allow-private"]) == EXIT_OK
    added = load_config(workdir / "digest.toml").sources[-1]
    assert (added.name, added.location) == ("Harbour News » Feed", http_server.url("/feed/"))
    out = capsys.readouterr().out
    assert f"chose {http_server.url('/feed/')} (Harbour News » Feed)" in out
    assert f"the others: {http_server.url('/comments/feed/')} (Harbour News » Comments" in out


def test_sources_add_finds_the_feed_of_a_site_whose_pages_declare_none(
    workdir: Path, http_server, capsys
) -> None:
    http_server.route(
        "/",
        body="<html><body><p>Welcome</p></body></html>",
        headers={"Content-Type": "text/html"},
    )
    http_server.route(
        "/index.xml",
        body='<rss version="2.0"><channel><title>Harbour Notes</title><item><title>Tide'
        "</title><link>https://example.org/tide</link></item></channel></rss>",
        headers={"Content-Type": "application/rss+xml"},
    )
    assert main(["sources", "add", http_server.url("/"), "--allow-private"]) == EXIT_OK
    added = load_config(workdir / "digest.toml").sources[-1]
    assert (added.name, added.location) == ("Harbour Notes", http_server.url("/index.xml"))
    assert "declares no feed; found" in capsys.readouterr().out


def test_sources_add_refuses_a_link_local_address_unless_allowed(workdir: Path, capsys) -> None:
    assert main(["sources", "add", "http://169.254.169.254/latest/meta-data/"]) == 1
    err = capsys.readouterr().err
    assert "169.254.169.254 is a link-local address" in err and "--allow-private" in err
    assert not (workdir / "digest.toml").exists()


def test_sources_add_of_an_address_nothing_answers_says_nothing_was_added(
    workdir: Path, capsys
) -> None:
    # (a run's advice, "it will be tried again next run", is untrue of a source not added)
    url = f"http://127.0.0.1:{closed_port()}/feed.xml"
    assert main(["sources", "add", url]) == 1
    err = capsys.readouterr().err
    assert "refused the connection" in err and "nothing was added: try again later" in err
    assert "next run" not in err
    assert not (workdir / "digest.toml").exists()


def test_sources_add_of_an_address_with_a_slash_short_says_what_it_meant(
    workdir: Path, capsys
) -> None:
    # It was fetched, and refused with a build's advice ("fix the source's url in the
    # config"), for a config the command had not written; with --no-discover, written with
    # the empty name made from its missing host, then refused as a config error
    for given in (["https:/example.org/feed"], ["https:/example.org/feed", "--no-discover"]):
        assert main(["sources", "add", *given]) == EXIT_FAILED
        err = capsys.readouterr().err
        assert "did you mean https://example.org/feed?" in err, err
        assert "in the config" not in err and "got ''" not in err, err
        assert not (workdir / "digest.toml").exists()


def test_sources_add_refuses_a_local_file_that_is_no_feed(workdir: Path, capsys) -> None:
    # Added, it failed every build; an article file belongs in a folder source.
    (workdir / "notes.txt").write_text("Ferries sail again.\n\nThe quay reopened.\n")
    assert main(["sources", "add", "notes.txt"]) == 1
    err = capsys.readouterr().err
    assert "notes.txt: not a feed" in err and "an article file is read from a folder" in err
    assert not (workdir / "digest.toml").exists()


def test_sources_add_takes_an_address_of_this_machine_as_the_users_own(
    workdir: Path, http_server
) -> None:
    http_server.route(
        "/feed.xml",
        body='<rss version="2.0"><channel><title>Intranet</title></channel></rss>',
        headers={"Content-Type": "application/rss+xml"},
    )
    assert main(["sources", "add", http_server.url("/feed.xml")]) == 0
    config = (workdir / "digest.toml").read_text("utf-8")
    assert http_server.url("/feed.xml") in config
    assert "allow_private" not in config  # the address says it: no key needed


def test_an_imported_opml_file_does_not_vouch_for_local_addresses(
    workdir: Path, tmp_path: Path, capsys
) -> None:
    opml = tmp_path / "shared.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="Router" type="rss" xmlUrl="http://192.168.1.1/cgi-bin/status"/>'
        '<outline text="News" type="rss" xmlUrl="https://news.example.org/feed"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["sources", "import", str(opml)]) == 0
    from digest.config import load_config

    sources = {s.name: s for s in load_config(workdir / "digest.toml").sources}
    assert sources["Router"].allow_private is False
    assert sources["News"].allow_private is None
    # said at once, not first as a failed source in the next build
    err = capsys.readouterr().err
    assert "warning: not read until you vouch for them: Router (it is on your own" in err
    assert "set it to true on those you trust" in err and "News" not in err
    # a second import adds nothing, and says why
    assert main(["sources", "import", str(opml)]) == 0
    out, err = capsys.readouterr()
    assert "imported 0 of 2 sources" in out and "(2 already there)" in out
    assert err == ""


def test_an_opml_import_names_each_subscription_it_leaves_out_and_why(
    workdir: Path, tmp_path: Path, capsys
) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><body>\n'
        '<outline text="Good" type="rss" xmlUrl="https://example.org/feed.xml"/>\n'
        '<outline text="Bare" type="rss" xmlUrl="example.com/rss"/>\n'
        '<outline text="Typo" type="rss" xmlUrl="htp://example.net/rss"/>\n'
        '<outline text="Reader" type="rss" xmlUrl="feed://example.net/rss.xml"/>\n'
        '<outline text="Empty" type="rss" xmlUrl=""/>\n'
        "</body></opml>\n",
        encoding="utf-8",
    )
    assert main(["sources", "import", str(opml)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out == (
        f"imported 2 of 5 sources from {opml} into {workdir / 'digest.toml'} (3 not imported)\n"
    )
    assert err.splitlines() == [
        f"warning: {opml}: line 4: 'Bare' not imported: 'example.com/rss' is not a web "
        "address (http or https); did you mean https://example.com/rss? (add it with: digest "
        "sources add https://example.com/rss)",
        f"warning: {opml}: line 5: 'Typo' not imported: 'htp://example.net/rss' is not a web "
        "address (http or https); did you mean http://example.net/rss? (add it with: digest "
        "sources add http://example.net/rss)",
        f"warning: {opml}: line 7: 'Empty' not imported: its xmlUrl is empty",
    ]
    sources = load_config(workdir / "digest.toml").sources
    assert [(s.name, s.location) for s in sources][1:] == [  # (after the seeds kept)
        ("Good", "https://example.org/feed.xml"),
        ("Reader", "http://example.net/rss.xml"),  # the address its feed: link stands for
    ]
    # the way out it gives works as it is
    assert main(["sources", "add", "--no-discover", "https://example.com/rss"]) == EXIT_OK
    assert load_config(workdir / "digest.toml").sources[-1].location == "https://example.com/rss"


def test_sources_add_a_page_with_no_feed_says_what_to_do(workdir: Path, http_server, capsys):
    http_server.route(
        "/",
        body="<html><body><p>No feeds here</p></body></html>",
        headers={"Content-Type": "text/html"},
    )
    assert main(["sources", "add", http_server.url("/"), "--allow-private"]) == 1
    err = capsys.readouterr().err
    assert "names no feed" in err and "--page" in err
    # what was tried: the usual addresses, each with why it is no feed
    assert "none was found through its links or at the usual addresses" in err
    assert "/feed: HTTP 404" in err and "/rss.xml: HTTP 404" in err
    assert not (workdir / "digest.toml").exists()


def test_first_sources_add_without_a_seeds_folder_adds_only_the_new_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an empty folder: no seeds/ to carry over
    main(["sources", "add", "https://a.example.org/feed", "--no-discover", "--name", "A"])
    assert [s.name for s in load_config(tmp_path / "digest.toml").sources] == ["A"]


def test_an_empty_folder_lists_and_exports_no_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # no config, no seeds/: nothing to read (README, Usage), not a seeds source never read
    monkeypatch.chdir(tmp_path)
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert listed == "no sources configured; add one with: digest sources add URL\n"
    assert main(["sources", "export"]) == EXIT_OK
    done = capsys.readouterr()
    assert "<outline" not in done.out and done.err == ""  # no "left out 1 local source"
    (tmp_path / "seeds").mkdir()  # with the folder there, it is the source a build reads
    assert main(["sources", "list"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("seeds  [folder]\n")


def test_a_source_gone_410_works_again_once_removed_and_added_back(
    workdir: Path, http_server
) -> None:
    from httpserver import Reply

    from digest.state import State

    http_server.route("/feed.xml", Reply(410))
    url = http_server.url("/feed.xml")
    (workdir / "digest.toml").write_text(
        f'title = "T"\n[fetch]\nallow_private = true\n'  # the test server is on 127.0.0.1
        f'[[sources]]\nname = "Harbour"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q"]) == EXIT_OK
    with State.open(workdir / "digest-state.sqlite") as state:
        assert state.source("Harbour").disabled_reason
    assert main(["sources", "remove", "Harbour"]) == EXIT_OK
    with State.open(workdir / "digest-state.sqlite") as state:
        assert state.source("Harbour") is None

    recent = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    http_server.route(
        "/feed.xml",
        body=(
            '<rss version="2.0"><channel><title>Harbour</title><item><title>Back again</title>'
            f"<link>https://example.org/back</link><pubDate>{format_datetime(recent)}</pubDate>"
            "<description>The harbour feed is back after the move.</description></item>"
            "</channel></rss>"
        ),
    )
    assert main(["sources", "add", url, "--name", "Harbour", "--no-discover"]) == EXIT_OK
    assert main(["build", "-q"]) == EXIT_OK
    assert "Back again" in (workdir / "output" / "index.html").read_text(encoding="utf-8")


def seeds_built(workdir: Path) -> Path:
    """A config naming the seeds, built once: a state file and its copy. Returns the state."""
    (workdir / "digest.toml").write_text('[[sources]]\nname = "Seeds"\npath = "seeds"\n')
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    return workdir / "digest-state.sqlite"


def test_adding_and_removing_edit_the_config_and_warn_when_the_state_is_damaged(
    workdir: Path, capsys
) -> None:
    # Each edited the config, then stopped on the state with exit 1, saying that "nothing
    # has been changed"; and a state gone while its copies remain was passed over unsaid.
    state = seeds_built(workdir)
    url = "https://news.example.org/rss.xml"
    for damage in ("cut short", "gone"):
        if damage == "gone":
            state.unlink()
        else:
            state.write_bytes(state.read_bytes()[:3000])
        capsys.readouterr()
        assert main(["sources", "add", url, "--no-discover", "--name", "News"]) == EXIT_OK
        assert [s.name for s in load_config(workdir / "digest.toml").sources] == ["Seeds", "News"]
        assert main(["sources", "remove", "News"]) == EXIT_OK
        assert [s.name for s in load_config(workdir / "digest.toml").sources] == ["Seeds"]
        out, err = capsys.readouterr()
        assert out.splitlines()[0].startswith("added News (")
        assert out.splitlines()[-1].startswith(
            "removed News (https://news.example.org/rss.xml) from "
        )
        added, removed = err.splitlines()
        for said in (added, removed):
            assert said.startswith(
                f"warning: the config is changed, but not the state: state "
                f"file {state} is {'missing' if damage == 'gone' else 'damaged'}"
            )
            assert "of a source named 'News'" in said and "is not forgotten" in said
            assert "('digest state check' says how)" in said
            assert "nothing has been changed" not in said
        assert added.endswith("then remove the source and add it again if it should start afresh")
        assert "'digest sources add' forgets it" in removed


def test_adding_a_source_warns_when_another_program_holds_the_state(
    workdir: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It waited, then stopped with exit 75 and "run again", which refused the source as
    # already added
    monkeypatch.setattr("digest.state.BUSY_TIMEOUT", 0.2)
    state = seeds_built(workdir)
    url = "https://news.example.org/rss.xml"
    capsys.readouterr()
    with held_whole(state):
        assert main(["sources", "add", url, "--no-discover", "--name", "News"]) == EXIT_OK
    assert [s.name for s in load_config(workdir / "digest.toml").sources] == ["Seeds", "News"]
    (said,) = capsys.readouterr().err.splitlines()
    assert said.startswith(
        f"warning: the config is changed, but not the state: state file {state} is held by "
        "another program"
    )
    assert "is not forgotten, as adding one does: let it finish, then remove the source" in said


def test_sources_export_and_import_round_trip_pages_and_say_what_was_left_out(
    workdir: Path, capsys
) -> None:
    (workdir / "digest.toml").write_text(
        'title = "T"\n'
        '[[sources]]\nname = "Harbour"\nurl = "https://news.example.org/feed.xml"\n'
        '[[sources]]\nname = "Story"\nurl = "https://news.example.org/story"\nkind = "page"\n'
        '[[sources]]\nname = "Seeds"\npath = "seeds"\n',
        encoding="utf-8",
    )
    assert main(["sources", "export", "-o", "subs.opml"]) == EXIT_OK
    assert "left out 1 local source(s)" in capsys.readouterr().err
    (workdir / "digest.toml").unlink()
    assert main(["sources", "import", "subs.opml"]) == EXIT_OK
    assert "imported 2 of 2 sources (1 feed and 1 page) from" in capsys.readouterr().out
    config = load_config(workdir / "digest.toml")
    imported = {s.name: s.kind for s in config.sources}
    assert imported["Harbour"] == "feed" and imported["Story"] == "page"


def test_sources_add_kind_adds_the_address_as_that_kind_without_looking_for_a_feed(
    workdir: Path, http_server, capsys
) -> None:
    url = http_server.url("/story")
    (workdir / "digest.toml").write_text('title = "T"\nsources = []\n', encoding="utf-8")
    assert main(["sources", "add", url, "--kind", "page", "--name", "Story"]) == EXIT_OK
    (source,) = load_config(workdir / "digest.toml").sources
    assert (source.name, source.kind, source.location) == ("Story", "page", url)
    assert http_server.requests == []  # added as it is
    with pytest.raises(SystemExit) as refused:
        main(["sources", "add", url, "--kind", "blog"])
    assert refused.value.code == EXIT_USAGE
    assert "invalid choice: 'blog'" in capsys.readouterr().err


def test_sources_added_from_one_site_without_a_name_are_numbered_not_refused(
    workdir: Path, http_server, capsys
) -> None:
    # A page and a sitemap (or two pages) of one site are both named after its host: the
    # second was refused as a config error ("two sources share the name"), though the user
    # never chose either name.
    (workdir / "digest.toml").write_text('title = "T"\nsources = []\n', encoding="utf-8")
    sitemap, page = http_server.url("/news-sitemap.xml"), http_server.url("/story.html")
    assert main(["sources", "add", sitemap, "--kind", "sitemap"]) == EXIT_OK
    assert main(["sources", "add", page, "--page"]) == EXIT_OK
    host = sitemap.split("/")[2]
    sources = load_config(workdir / "digest.toml").sources
    assert [(s.name, s.location) for s in sources] == [(host, sitemap), (f"{host} (2)", page)]
    assert f"added {host} (2) ({page})" in capsys.readouterr().out
    # a name the user gives is theirs: taken, it is refused with what to do, the file unchanged
    before = (workdir / "digest.toml").read_text("utf-8")
    other = http_server.url("/other.html")
    assert main(["sources", "add", other, "--page", "--name", host]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"already a source named '{host}'" in err and "another --name" in err
    assert (workdir / "digest.toml").read_text("utf-8") == before


def test_sources_remove_of_a_name_not_there_is_a_usage_error_not_a_config_error(
    workdir: Path, capsys
) -> None:
    main(["sources", "add", "https://a.example.org/feed", "--no-discover", "--name", "Tradewind"])
    before = (workdir / "digest.toml").read_text("utf-8")
    capsys.readouterr()
    assert main(["sources", "remove", "tradewind"]) == EXIT_USAGE
    err = capsys.readouterr().err
    # the config is fine: the request is what is wrong, and a name in another case is meant
    assert "configuration error" not in err
    assert "no source named 'tradewind'" in err and "did you mean 'Tradewind'?" in err
    assert main(["sources", "remove", "Nope"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "configuration error" not in err and "'digest sources list'" in err
    assert "sources: seeds, Tradewind" in err
    assert (workdir / "digest.toml").read_text("utf-8") == before


def test_sources_list_counts_items_and_failed_runs_in_words(workdir: Path, http_server, capsys):
    url = http_server.url("/missing.xml")  # nothing served there: 404
    (workdir / "digest.toml").write_text(
        f'title = "T"\n[fetch]\nallow_private = true\n'  # the test server is on 127.0.0.1
        f'[[sources]]\nname = "Harbour"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q"]) == EXIT_OK
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    assert "last success never, 0 items; FAILING 1 run in a row" in capsys.readouterr().out
    assert main(["build", "-q"]) == EXIT_OK
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    assert "; FAILING 2 runs in a row" in capsys.readouterr().out


def test_sources_list_gives_times_in_the_configured_timezone(workdir: Path, http_server, capsys):
    # as the pages do, whatever the machine's own zone
    import datetime as dt
    from zoneinfo import ZoneInfo

    from digest.state import State

    url = http_server.url("/missing.xml")
    (workdir / "digest.toml").write_text(
        f'title = "T"\ntimezone = "Pacific/Kiritimati"\n[fetch]\nallow_private = true\n'
        f'[[sources]]\nname = "Harbour"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q"]) == EXIT_OK
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    out = capsys.readouterr().out
    with State.open(workdir / "digest-state.sqlite") as state:
        record = state.source("Harbour")
    assert record is not None and isinstance(record.last_error_at, dt.datetime)
    there = record.last_error_at.astimezone(ZoneInfo("Pacific/Kiritimati"))
    assert f"last error {there:%Y-%m-%d %H:%M}:" in out


def test_sources_list_shows_a_source_whose_entry_is_wrong_and_why(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text(
        '[[sources]]\nname = "Harbour News"\nurl = "https://news.example.org/feed.xml"\n\n'
        '[[sources]]\nurl = "https://www.macworld.example/feed.rss"\nful_text = true\n',
        encoding="utf-8",
    )
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "www.macworld.example  [not read: wrong config entry]"
    assert "[[sources]] #2: line 7: unknown key 'ful_text', did you mean 'full_text'?" in listed[1]
    assert "not read" not in listed[1]  # (said once, on the line above)
    assert "until its [[sources]] entry is fixed" in listed[2]
    assert listed[3] == "Harbour News  [feed]"


def _feed_file(path: Path, title: str, *numbers: int) -> None:
    """An RSS file titled ``title`` with recent items (the build runs on the real clock)."""
    newest = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    items = "".join(
        f"<item><title>Harbour story {n}</title><link>https://example.org/s/{n}</link>"
        f"<guid>https://example.org/s/{n}</guid>"
        f"<pubDate>{format_datetime(newest - dt.timedelta(minutes=n))}</pubDate>"
        f"<description>The harbour crane number {n} was lifted onto pier {n} today after a "
        "long wait for parts from the yard.</description></item>"
        for n in numbers
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def test_a_source_whose_name_is_taken_away_is_listed_by_its_feeds_title_at_once(
    workdir: Path, capsys
) -> None:
    # Renamed since the last build, it is listed with the state's record of it, kept under
    # its old name until the next build: by that name, its made name was shown, not the
    # feed's title the build shows it by.
    _feed_file(workdir / "harbour.rss", "Harbour Log", 1)
    config = workdir / "digest.toml"
    config.write_text('[[sources]]\nname = "Harbour News"\npath = "harbour.rss"\n', "utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    config.write_text('[[sources]]\npath = "harbour.rss"\n', "utf-8")
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert listed.startswith("Harbour Log  [feed]\n") and "1 item" in listed, listed


def test_a_feeds_title_with_control_characters_is_shown_and_exported_without_them(
    workdir: Path, http_server, capsys
) -> None:
    # A JSON feed's title may hold any character: an escape sequence in it reached the
    # terminal raw in 'sources list', 'digest check' and 'digest stories', and the email's
    # HTML part; 'digest sources export' stopped on it with a traceback.
    import json

    newest = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    http_server.route(
        "/quay.json",
        headers={"Content-Type": "application/feed+json"},
        body=json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Quay\u001b[2J News\u0007",
                "items": [
                    {
                        "id": "q1",
                        "url": "https://example.org/q/1",
                        "title": "Crane lifted onto the pier",
                        "content_text": "The harbour crane was lifted onto pier 4 today.",
                        "date_published": newest.isoformat(),
                    }
                ],
            }
        ),
    )
    (workdir / "digest.toml").write_text(
        f'[fetch]\nallow_private = true\n\n[[sources]]\nurl = "{http_server.url("/quay.json")}"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q"]) == EXIT_OK
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert listed.startswith("Quay[2J News  [feed]\n"), listed
    assert main(["sources", "export"]) == EXIT_OK
    exported = capsys.readouterr().out
    assert 'text="Quay[2J News"' in exported
    assert "\x1b" not in listed + exported and "\x07" not in listed + exported
    assert ">Quay[2J News<" in _day_page(workdir)


def _day_page(workdir: Path) -> str:
    (page,) = (p for p in (workdir / "output").glob("2*.html"))  # (one day built)
    return page.read_text("utf-8")


def test_an_unnamed_source_is_shown_by_its_feeds_title_everywhere_and_kept_by_its_file(
    workdir: Path, capsys
) -> None:
    """A source left unnamed shows its feed's title on its stories, in 'sources list', in
    the day's list of sources that could not be read, and is removed by it; a publisher's
    new title is taken up, its history kept under its made name; the config's name wins."""
    from digest.state import State

    feed, other = workdir / "macworld.rss", workdir / "other.rss"
    _feed_file(feed, "Macworld", 1)
    _feed_file(other, "Their Title", 9)
    (workdir / "digest.toml").write_text(
        '[[sources]]\npath = "macworld.rss"\n\n[[sources]]\nname = "Chosen"\npath = "other.rss"\n',
        encoding="utf-8",
    )
    assert main(["build", "-q"]) == EXIT_OK
    page = _day_page(workdir)
    assert ">Macworld<" in page and ">Chosen<" in page and "Their Title" not in page
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert listed.startswith("Macworld  [feed]\n") and "\nChosen  [feed]\n" in listed
    assert "macworld.rss  [" not in listed  # its file stays on its location line

    # broken: the footer, the run's report and the list name it as its stories did
    feed.write_text("this is not a feed", encoding="utf-8")
    (other).write_text("nor this", encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "source failed: Macworld, Chosen: not a feed" in err  # (alike: one line)
    page = _day_page(workdir)
    assert "<strong>Macworld</strong>" in page and "<strong>Chosen</strong>" in page
    assert main(["sources", "list"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("Macworld  [feed]\n")

    # renamed by its publisher: the new title is shown, its history kept by its made name
    _feed_file(feed, "Macworld UK", 1, 2)
    _feed_file(other, "Their Title", 9)
    assert main(["build", "-q"]) == EXIT_OK
    page = _day_page(workdir)
    assert "Macworld UK" in page and "<strong>Macworld" not in page
    with State.open(workdir / "digest-state.sqlite") as state:
        record = state.source("macworld.rss")
        assert record is not None and record.title == "Macworld UK" and record.settled
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("Macworld UK  [feed]\n")

    # removed by the name it is shown by: its health forgotten with it
    assert main(["sources", "remove", "macworld uk"]) == EXIT_USAGE  # (as typed in haste)
    assert "did you mean 'Macworld UK'?" in capsys.readouterr().err
    assert main(["sources", "remove", "Macworld UK"]) == EXIT_OK
    # said by the name it was removed by, as 'sources add' says what it added: the name
    # made from its file was said instead, a name the user never saw
    removed = capsys.readouterr().out
    assert removed.startswith(f"removed Macworld UK ({feed}) from "), removed
    assert "macworld.rss" not in (workdir / "digest.toml").read_text("utf-8")
    with State.open(workdir / "digest-state.sqlite") as state:
        assert state.source("macworld.rss") is None


def test_a_source_left_unnamed_since_the_last_build_is_found_by_its_feeds_title(
    workdir: Path, capsys
) -> None:
    """Its name taken away in the config, a source is shown by its feed's title, which the
    state holds under the old name until the next build renames it there: 'sources list',
    'sources export' and 'sources remove' by that title must not wait for that build."""
    feed = workdir / "quay.rss"
    _feed_file(feed, "Quay Gazette", 1)
    config = workdir / "digest.toml"
    config.write_text('[[sources]]\nname = "Mine"\npath = "quay.rss"\n', encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    config.write_text('[[sources]]\npath = "quay.rss"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("Quay Gazette  [feed]\n")
    assert main(["sources", "export"]) == EXIT_OK  # (a local file: named as left out)
    assert capsys.readouterr().err.endswith("another reader: Quay Gazette\n")
    assert main(["sources", "remove", "Quay Gazette"]) == EXIT_OK
    assert capsys.readouterr().out.startswith(f"removed Quay Gazette ({feed}) from ")
    assert "quay.rss" not in config.read_text("utf-8")
    # and what the state knew of it is forgotten, under the name it knew it by: added back,
    # under any name, it is a new source
    from digest.state import read_source_records

    assert read_source_records(workdir / "digest-state.sqlite") == {}


def two_feeds_built(workdir: Path) -> str:
    """A real build of two feeds of one site left unnamed (their server refuses: the state
    keeps them all the same, by host and path), then the config left with the first alone,
    whose made name is now its host: the name its state key (host/a.xml) was made from."""
    host = f"127.0.0.1:{closed_port()}"
    config = workdir / "digest.toml"
    config.write_text(
        f'[[sources]]\nurl = "http://{host}/a.xml"\n[[sources]]\nurl = "http://{host}/b.xml"\n'
    )
    assert main(["build", "-q"]) == EXIT_OK
    config.write_text(f'[[sources]]\nurl = "http://{host}/a.xml"\n')
    return host


def beside_state(workdir: Path) -> list[str]:
    return sorted(p.name for p in workdir.glob("digest-state.sqlite-*"))


def test_listing_and_exporting_name_a_feed_by_its_state_key_and_leave_no_log_beside_it(
    workdir: Path, capsys
) -> None:
    # Each command that read the config left the state's -wal and -shm behind it: a state
    # file deleted then looked lost, not new.
    host = two_feeds_built(workdir)
    assert beside_state(workdir) == []
    capsys.readouterr()
    assert main(["sources", "export"]) == EXIT_OK
    assert f'text="{host}/a.xml"' in capsys.readouterr().out
    assert beside_state(workdir) == []
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert f"{host}/a.xml  [feed]" in listed and "FAILING 1 run" in listed
    assert beside_state(workdir) == []


def test_sources_export_says_so_when_the_state_is_damaged(workdir: Path, capsys) -> None:
    # It named the feed afresh without a word, as if the state knew no source.
    host = two_feeds_built(workdir)
    state = workdir / "digest-state.sqlite"
    state.write_bytes(state.read_bytes()[:3000])  # cut short
    capsys.readouterr()
    assert main(["sources", "export"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert f'text="{host}"' in out
    assert f"warning: state file {state} is damaged" in err
    assert "may not be those it keeps them by" in err and "'digest state restore'" in err
    # (listing opens the state, as a build does, and stops on the damage as a build does)
    assert main(["sources", "list"]) == EXIT_FAILED
    assert f"state file {state} is damaged" in capsys.readouterr().err


def test_sources_export_does_not_wait_for_another_program_holding_the_state(
    workdir: Path, capsys
) -> None:
    host = two_feeds_built(workdir)
    state = workdir / "digest-state.sqlite"
    capsys.readouterr()
    with held_whole(state):
        started = time.monotonic()
        assert main(["sources", "export"]) == EXIT_OK
        assert time.monotonic() - started < 3  # (it waited 5 s, then said nothing)
    out, err = capsys.readouterr()
    assert f'text="{host}"' in out
    assert f"warning: state file {state} is held by another program" in err
    assert beside_state(workdir) == []
    assert main(["sources", "export"]) == EXIT_OK  # once it lets go
    assert f'text="{host}/a.xml"' in capsys.readouterr().out
