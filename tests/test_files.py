"""The article-file ingestor: headers, titles, dates, sources and encodings."""

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.model import Source
from digest.sources.errors import SourceError
from digest.sources.files import read_folder, split_header

BODY = (
    "The regional rail operator said on Monday that services between the two cities would "
    "resume next week.\n\nEngineers have replaced a damaged bridge section."
)


def folder_source(path: Path, **options: object) -> Source:
    return Source(name="local", kind="folder", location=str(path), **options)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def test_header_block_sets_title_source_url_date_author(tmp_path: Path) -> None:
    write(
        tmp_path / "a.txt",
        "Title: Rail link reopens\nSource: Metro Gazette\nURL: https://example.org/rail\n"
        "Date: 2026-11-20T07:30:00+01:00\nAuthor: Ana Ruiz\n\n" + BODY,
    )
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == "Rail link reopens"
    assert article.source == "Metro Gazette"
    assert article.url == "https://example.org/rail"
    assert article.published == dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
    assert article.author == "Ana Ruiz"
    assert article.paragraphs[0].text.startswith("The regional rail operator")


def test_header_date_without_zone_is_taken_in_configured_timezone(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Date: 2026-11-20 09:00\n\n" + BODY)
    (article,) = read_folder(folder_source(tmp_path), ZoneInfo("Asia/Tokyo")).articles
    assert article.published == dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC)


def test_without_header_title_is_first_line_when_it_reads_like_a_headline(tmp_path: Path) -> None:
    write(tmp_path / "news" / "a.txt", "Rail Link Reopens After Bridge Repair\n" + BODY)
    (article,) = read_folder(folder_source(tmp_path, named=False)).articles
    assert article.title == "Rail Link Reopens After Bridge Repair"
    assert article.source == "news"  # an unnamed folder: the folder holding the file
    assert article.paragraphs[0].text.startswith("The regional rail operator")


def test_first_line_that_is_a_sentence_is_not_taken_as_title(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == ""  # the pipeline derives one from the lead sentence
    assert len(article.paragraphs) == 2


@pytest.mark.parametrize(
    "line", ["iPhone Sales Slow in Europe", "eBay to cut 1,000 jobs", "h5n1 reaches dairy herds"]
)
def test_first_line_opening_with_a_lowercase_name_is_the_title(tmp_path: Path, line: str) -> None:
    # names spelt with a lowercase first letter (iPhone, eBay, iOS) open many headlines
    write(tmp_path / "a.txt", line + "\n\n" + BODY)
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == line
    assert article.paragraphs[0].text.startswith("The regional rail operator")


def test_first_line_in_lowercase_words_is_text_not_a_title(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "and then the trains stopped\n\n" + BODY)
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == ""
    assert article.paragraphs[0].text == "and then the trains stopped"


def test_date_falls_back_to_modification_time(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", BODY)
    stamp = dt.datetime(2026, 11, 19, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.published == dt.datetime(2026, 11, 19, 12, 0, tzinfo=dt.UTC)


def test_malformed_header_date_warns_names_file_and_falls_back(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Title: X marks\nDate: last Tuesday\n\n" + BODY)
    result = read_folder(folder_source(tmp_path))
    assert result.articles[0].published is not None
    (warning,) = result.warnings
    assert str(path) in warning and "last Tuesday" in warning and "2026-11-21" in warning


def test_markdown_front_matter_is_the_header_not_the_text(tmp_path: Path) -> None:
    # Markdown notes and static-site posts open with a "---" block of "key: value" lines
    write(
        tmp_path / "post.md",
        '---\nlayout: post\ntitle: "Rail link reopens: what changes"\n'
        "date: 2026-11-20T07:30:00+01:00\nauthor: Ana Ruiz\ntags:\n  - transport\n---\n\n" + BODY,
    )
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == "Rail link reopens: what changes"
    assert article.published == dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
    assert article.author == "Ana Ruiz"
    assert [p.text[:26] for p in article.paragraphs] == [
        "The regional rail operator",
        "Engineers have replaced a ",
    ]


def test_a_body_between_rules_is_not_front_matter() -> None:
    text = "---\nThe council met again on Friday.\n---\n\nMore to follow."
    assert split_header(text) == ({}, text)


def test_body_that_opens_like_a_header_is_not_one(tmp_path: Path) -> None:
    text = "Update: talks resumed on Friday after a week-long pause.\n\nMore to follow."
    assert split_header(text) == ({}, text)


def test_windows_1252_crlf_file(tmp_path: Path) -> None:
    raw = "Café owners protest\r\n\r\nThe owners said “enough” on Tuesday.\r\n".encode("cp1252")
    write(tmp_path / "a.txt", raw)
    (article,) = read_folder(folder_source(tmp_path)).articles
    assert article.title == "Café owners protest"
    assert article.paragraphs[0].text == "The owners said “enough” on Tuesday."


def test_recursive_sorted_and_hidden_or_other_files_ignored(tmp_path: Path) -> None:
    write(tmp_path / "b" / "two.md", "# Second\n\nBody two is here.")
    write(tmp_path / "a" / "one.txt", "First\nBody one is here.")
    write(tmp_path / ".hidden" / "x.txt", "Hidden\nShould not be read.")
    write(tmp_path / "notes.pdf", b"%PDF-1.4")
    titles = [a.title for a in read_folder(folder_source(tmp_path)).articles]
    assert titles == ["First", "Second"]


def test_keys_are_stable_and_distinct(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "sub" / "a.txt", BODY)
    first = [a.key for a in read_folder(folder_source(tmp_path)).articles]
    second = [a.key for a in read_folder(folder_source(tmp_path)).articles]
    assert first == second and len(set(first)) == 2


def test_missing_folder_raises_source_error_with_advice(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_folder(folder_source(tmp_path / "nope"))
    assert caught.value.problem == f"folder {tmp_path / 'nope'} does not exist"
    assert "path" in caught.value.advice


def test_empty_file_is_skipped_with_warning(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "\n\n  \n")
    write(tmp_path / "ok.txt", BODY)
    result = read_folder(folder_source(tmp_path))
    assert len(result.articles) == 1
    assert any("empty.txt" in w and "no article text" in w for w in result.warnings)


def test_a_named_folder_shows_its_name_and_an_unnamed_one_its_sub_folders(tmp_path: Path) -> None:
    (tmp_path / "clips" / "bbc").mkdir(parents=True)
    write(tmp_path / "clips" / "bbc" / "a.txt", "Harbour reopens\n\n" + BODY)
    named = Source("My clippings", "folder", str(tmp_path / "clips"))
    unnamed = Source("clips", "folder", str(tmp_path / "clips"), named=False)
    assert [a.source for a in read_folder(named).articles] == ["My clippings"]
    assert [a.source for a in read_folder(unnamed).articles] == ["bbc"]


def test_a_link_to_a_file_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    # Whoever can drop files into the folder must not be able to publish any file the user
    # running digest can read (a key, /proc/self/environ with the SMTP password ...).
    secret = write(tmp_path / "home" / "private.txt", "Private notes\n\nThe key is 0xdeadbeef.")
    folder = tmp_path / "articles"
    write(folder / "ok.txt", BODY)
    (folder / "sub").mkdir()
    (folder / "notes.txt").symlink_to(secret)
    (folder / "sub" / "environ.txt").symlink_to("/proc/self/environ")
    (folder / "alias.md").symlink_to(folder / "ok.txt")  # a link within the folder is fine
    result = read_folder(folder_source(folder))
    assert not any("deadbeef" in p.text for a in result.articles for p in a.paragraphs)
    assert [a.key for a in result.articles] == ["file:local/alias.md", "file:local/ok.txt"]
    skipped = [w for w in result.warnings if "outside the folder" in w]
    assert len(skipped) == 2 and "notes.txt" in skipped[0] and "environ.txt" in skipped[1]
