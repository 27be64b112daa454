"""digest.templating: the Jinja environment shared by every output: user templates, the
compiled-template cache, what every printed string is cleaned of, and the language it speaks."""

from __future__ import annotations

import marshal
import pickle

import jinja2
import pytest
from lxml import etree
from page_samples import DAY, FEED_ID, article, make_config, make_digest, record, story

from digest.atom import render_feed
from digest.render import render_archive, render_day_page, render_fragment
from digest.templating import make_environment

# ---------------------------------------------------------------- environment


def test_environment_is_strict_and_escapes_html_templates(env):
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_user_template_overrides_one_file_and_the_rest_fall_back(tmp_path):
    (tmp_path / "day.html.j2").write_text(
        '{% extends "builtin/day.html.j2" %}'
        "{% block title %}My own {{ digest.title }}{% endblock %}"
    )
    env = make_environment(tmp_path)
    config = make_config(templates=tmp_path)
    page = render_day_page(make_digest(), config, env, [])
    assert "<title>My own Morning Digest</title>" in page
    assert "Lighthouse keepers return to a remote island" in page  # built-in fragment still used
    archive = render_archive(config, env, [record(DAY)])
    assert "<title>Morning Digest — Archive</title>" in archive


def test_user_template_can_replace_a_page_entirely(tmp_path):
    (tmp_path / "day.html.j2").write_text(
        "<p>{{ digest.stories|length }} for {{ digest.title }}</p>"
    )
    env = make_environment(tmp_path)
    assert render_day_page(make_digest(), make_config(), env, []) == "<p>3 for Morning Digest</p>"


# ---------------------------------------------------------------- compiled templates


def test_an_edited_template_is_used_at_once_despite_the_compiled_cache(tmp_path):
    page = tmp_path / "day.html.j2"
    page.write_text("<p>first {{ digest.stories|length }}</p>")
    assert render_day_page(make_digest(), make_config(), make_environment(tmp_path), []) == (
        "<p>first 3</p>"
    )
    page.write_text("<p>second {{ digest.stories|length }}</p>")  # a new run: a new environment
    assert render_day_page(make_digest(), make_config(), make_environment(tmp_path), []) == (
        "<p>second 3</p>"
    )


def test_a_broken_template_cache_is_passed_over(tmp_path):
    from digest.templating import _CompiledTemplates

    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    env = make_environment(None)
    env.bytecode_cache = _CompiledTemplates(directory=str(not_a_folder))
    page = render_day_page(make_digest(), make_config(), env, [])
    assert "Lighthouse keepers return to a remote island" in page


def _after_header(data: bytes) -> int:
    """Where a Jinja cache file's compiled code starts: after its magic and source checksum."""
    from io import BytesIO

    stream = BytesIO(data)
    stream.read(len(jinja2.bccache.bc_magic))
    pickle.load(stream)
    return stream.tell()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(jinja2.bccache.bc_magic) + 3], id="cut-in-checksum"),
        pytest.param(lambda data: data[: len(jinja2.bccache.bc_magic)] + b"\xff junk", id="junk"),
        pytest.param(lambda data: data[: _after_header(data)] + marshal.dumps(42), id="not-code"),
    ],
)
def test_a_damaged_template_cache_file_is_compiled_again(tmp_path, damage):
    from digest.templating import _CompiledTemplates

    def render() -> str:  # a new environment each time, as a new run has
        env = make_environment(None)
        env.bytecode_cache = _CompiledTemplates(directory=str(tmp_path), pattern="t-%s.cache")
        return render_day_page(make_digest(), make_config(), env, [])

    expected = render()
    cached = sorted(tmp_path.glob("t-*.cache"))  # the names the cache looks for
    assert cached
    damaged = {}
    for path in cached:
        damaged[path] = damage(path.read_bytes())
        path.write_bytes(damaged[path])
    assert render() == expected
    # each damaged file was dropped and written afresh, so the next run reads it again
    assert all(path.read_bytes() != damaged[path] for path in cached if path.exists())
    assert render() == expected


# ---------------------------------------------------------------- printed text


def test_control_characters_are_dropped(env):
    odd = article("k", "Src", "Bell\x07 and NUL\x00", ["Form\x0cfeed."], None, None)
    fragment = render_fragment(make_digest([story(odd)]), make_config(), env)
    assert "Bell and NUL" in fragment and "Formfeed." in fragment
    feed = render_feed([record(DAY, content=fragment + "\x0b")], make_config(), FEED_ID)
    etree.fromstring(feed)  # still well-formed XML


# ---------------------------------------------------------------- the reader's language


def test_an_environment_speaks_its_language_in_words_dates_and_numbers() -> None:
    env = make_environment(None, "de")
    template = env.from_string(
        '{{ _("Also today") }} · {{ ngettext("%(num)s story", "%(num)s stories", n) }} · '
        "{{ day|long_date }} · {{ day|short_date(day) }} · {{ n|number }}"
    )
    text = template.render(n=1234, day=DAY)
    assert (
        text
        == "Außerdem heute · 1.234 Meldungen · Samstag, 21. November 2026 · Sa., 21. Nov. · 1.234"
    )
    assert make_environment().from_string('{{ _("Also today") }}').render() == "Also today"


def test_gettext_escapes_what_it_fills_in_and_not_its_own_words(env) -> None:
    rendered = env.from_string('{{ _("Read at %(source)s", source=s) }}').render(s="<b>&Co</b>")
    assert rendered == "Read at &lt;b&gt;&amp;Co&lt;/b&gt;"
