"""Sample digests and email settings for the email tests, and helpers to read messages back."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from digest.config import Config, EmailConfig
from digest.mail import build_message
from digest.model import Article, Attributed, Digest, Paragraph, SourceFailure, Story
from digest.templating import make_environment

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)
RECIPIENTS = ("ana@example.org", "Bruno Núñez <bruno@example.org>")
LOREM = (
    "The council met again on Thursday evening to discuss the harbour plan, which has been "
    "argued over for most of the year. "
)


def make_article(index: int, *, paragraphs: int = 4, **changes: object) -> Article:
    article = Article(
        key=f"key-{index}",
        source="Le Monde" if index % 2 else "El País",
        title=f"Nicolás Pérez opens the new harbour bridge, story {index}",
        paragraphs=(
            Paragraph("What happened", "heading"),
            *(Paragraph(f"Paragraph {n} of story {index}. {LOREM * 6}") for n in range(paragraphs)),
        ),
        url=f"https://news.example.org/{index}?from=digest&lang=es",
        published=dt.datetime(2026, 11, 21, 5, 30, tzinfo=dt.UTC),
        author="Nicolás Pérez",
        summary=(
            f"Summary {index}: Nicolás Pérez cut the ribbon at dawn.",
            "The bridge links the old town to the harbour and took eleven years to build, "
            "three more than planned.",
        ),
    )
    return replace(article, **changes)


def make_digest(count: int = 3, *, paragraphs: int = 4, failures: bool = True) -> Digest:
    articles = [make_article(i, paragraphs=paragraphs) for i in range(1, count + 1)]
    return Digest(
        day=DAY,
        title="Morning Read",
        stories=tuple(
            Story(a.title, (a,), tuple(Attributed(t) for t in a.summary)) for a in articles
        ),
        generated_at=NOW,
        failures=(
            SourceFailure(
                "City Hall feed",
                "HTTP 404 Not Found from http://10.0.0.5/feed.xml",
                "check the URL",
                "fetch",
            ),
        )
        if failures
        else (),
    )


def make_config(tmp_path: Path, port: int = 25, **email: object) -> Config:
    settings: dict[str, object] = {
        "sender": "Morning Read <digest@example.org>",
        "recipients": RECIPIENTS,
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        "timeout": 5.0,
    }
    settings.update(email)
    return Config(
        title="Morning Read",
        site_url="https://example.org/digest/",
        timezone=ZoneInfo("Europe/Madrid"),
        state=tmp_path / "state.sqlite",
        output=tmp_path / "output",
        email=EmailConfig(**settings),  # type: ignore[arg-type]
    )


def build(digest: Digest, config: Config, **kwargs: object) -> EmailMessage:
    return build_message(digest, config, make_environment(None), now=NOW, **kwargs)


def parse(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[return-value]


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


class Scan(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
