"""A broken template of the user's: named, with its line and Jinja's message, exit 2, and no
output touched. A broken built-in template is digest's bug and keeps its traceback."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from seedsite import SEEDS_DAY

from digest.cli import EXIT_OK, EXIT_USAGE, main
from digest.templating import TemplateError, make_environment

CASES = {
    "a syntax error": (
        "{% extends 'builtin/day.html.j2' %}\n{% block main %}\n{{ digest.day }\n{% endblock %}\n",
        "line 3: unexpected '}'",
    ),
    "an attribute of an undefined name": (
        "{% extends 'builtin/day.html.j2' %}\n{% block main %}\n<p>\n"
        "{{ no_such_thing.title }}</p>\n{% endblock %}\n",
        "line 4: 'no_such_thing' is undefined",
    ),
    "an unknown filter": (
        "{% extends 'builtin/day.html.j2' %}\n{% block main %}{{ digest.title | shout }}"
        "{% endblock %}\n",
        "line 2: No filter named 'shout'",
    ),
    "a filter that fails on what it is given": (
        "{% extends 'builtin/day.html.j2' %}\n{% block main %}\n\n\n"
        "{{ digest.title | localtime(tz) }}{% endblock %}\n",
        "line 5: AttributeError: 'str' object has no attribute 'tzinfo'",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_broken_user_template_is_named_with_its_line_and_exits_2(
    workdir: Path, capsys: pytest.CaptureFixture, case: str
) -> None:
    # Each of these ended in a raw traceback.
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    before = {p.name: p.read_bytes() for p in (workdir / "output").iterdir()}
    template, expected = CASES[case]
    (workdir / "mine").mkdir()
    (workdir / "mine" / "day.html.j2").write_text(template, encoding="utf-8")
    (workdir / "digest.toml").write_text('templates = "mine"\n', encoding="utf-8")
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "template error: template day.html.j2" in err
    assert str(workdir / "mine" / "day.html.j2") in err and expected in err
    assert "Traceback" not in err and f"remove it from {workdir / 'mine'}" in err
    assert {p.name: p.read_bytes() for p in (workdir / "output").iterdir()} == before


def test_an_included_template_of_the_users_is_the_one_named(tmp_path: Path) -> None:
    (tmp_path / "day.html.j2").write_text("{% include 'part.html.j2' %}\n", encoding="utf-8")
    (tmp_path / "part.html.j2").write_text("ok\n{{ missing() }}\n", encoding="utf-8")
    env = make_environment(tmp_path)
    with pytest.raises(TemplateError) as caught:
        env.get_template("day.html.j2").render()
    assert "template part.html.j2" in caught.value.problem
    assert "line 2: 'missing' is undefined" in caught.value.problem


def test_an_error_outside_the_users_templates_keeps_its_own_type(tmp_path: Path) -> None:
    env = make_environment(tmp_path)  # a user folder, but the failing template is not in it
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing.attribute }}").render()
    with pytest.raises(jinja2.TemplateSyntaxError):
        make_environment().from_string("{% if %}")
