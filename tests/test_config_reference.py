import re
import tomllib
from pathlib import Path

from digest.config import parse_config
from digest.config.reference import BEGIN, END, UPDATE_COMMAND, reference, replace_section
from digest.config.settings import EMAIL, FETCH, SCHEDULE, SOURCE, TOP, source_kinds

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_configuration_reference_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"README.md lost its reference markers: {BEGIN}"
    assert replace_section(text, reference()) == text, (
        f"README.md's configuration reference is out of date; regenerate it with: {UPDATE_COMMAND}"
    )


def test_reference_lists_every_key_with_its_value_default_and_meaning() -> None:
    text = reference()
    for table in (TOP, SOURCE, FETCH, EMAIL, SCHEDULE):
        for key in table.keys:
            value = re.escape(key.expected.replace("<", "&lt;"))
            row = rf"^\| `{key.name}` \| {value} \| .+ \| {re.escape(key.help)} \|$"
            assert re.search(row, text, re.MULTILINE), key.name
    for kind, keys in source_kinds().items():
        for key in keys:
            value = re.escape(key.expected.replace("<", "&lt;"))
            row = rf"^\| `{key.name}` \({kind}\) \| {value} \| .+ \| {re.escape(key.help)} \|$"
            assert re.search(row, text, re.MULTILINE), key.name
    full_text = "fetch every entry's page for its full text, not just teasers'"
    assert f"| `full_text` (feed) | true or false | `false` | {full_text} |" in text
    assert "| `lead_sentences` | an integer from 1 to 20 | `3` | sentences per summary |" in text
    assert "| `max_mb` | a number of megabytes from 0.1 to 1024 | `10` |" in text
    assert "| `smtp_host` | the SMTP server's host name | required |" in text


def test_readme_example_config_is_valid(tmp_path: Path) -> None:
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "my-templates").mkdir()
    (tmp_path / "my-rules.toml").write_text("", encoding="utf-8")
    config = parse_config(tomllib.loads(example), base=tmp_path, strict=True)
    assert config.email is not None and len(config.sources) == 2
