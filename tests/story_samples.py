"""Short invented news reports for the story tests, written the way wire agencies and papers
write them, and a builder for more.

Every outlet, person, ship and company here is invented for these tests; the places are
real, only as the setting. The reports are on Tuesday 17 March 2026 (UTC):

* **the Kalliope Star fire** (``FERRY_*``): a ferry on fire off Naxos. Meridian Wire's story
  (``FERRY_WIRE``) and the Harbour Gazette's reprint of it (``FERRY_REPRINT``: the same text,
  its last paragraph cut); the Aegean Daily's and Northline Radio's own reports. The injured
  are 14, 17 and "nearly 20": the figures differ.
* **the Chania grounding** (``GROUNDING_*``): another ferry, the same day, off Crete, from two
  of the same outlets: an event that only looks like the fire.
* **the Lisbon tram strike** (``TRAM_STRIKE``): unrelated, one report.
* **Ghent's cycle bridge** (``BRIDGE_FIRST``, ``BRIDGE_UPDATE``): one outlet's story and its
  own update hours later, with a new headline.
* **Marion Hale's death** (``HALE_*``): a broadcaster's report (``HALE_OBITUARY``), and a
  morning newsletter's item that joins it to the day's other news in its title and its text
  (``HALE_NEWSLETTER``, the longer of the two). Not in ``DAY_OF_NEWS``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from digest.model import Article, Paragraph

DAY = dt.date(2026, 3, 17)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def article(
    key: str,
    source: str,
    title: str,
    paragraphs: Sequence[str],
    published: dt.datetime | None = None,
    *,
    url: str | None = None,
    **changes: object,
) -> Article:
    """An article as it leaves the normalise stage (no summary: the summariser makes it)."""
    return Article(
        key=key,
        source=source,
        title=title,
        paragraphs=tuple(Paragraph(p) for p in paragraphs),
        url=url if url is not None else f"https://{source.lower().replace(' ', '')}.example/{key}",
        published=published or at(9),
        **changes,  # type: ignore[arg-type]
    )


FERRY_WIRE_TEXT = (
    "ATHENS - A fire broke out on the passenger ferry Kalliope Star off the Greek "
    "island of Naxos early on Tuesday, forcing the evacuation of all 412 passengers and crew, "
    "the Hellenic coastguard said.",
    "At least 14 people were injured, three of them seriously, and were taken to the health "
    "centre in Naxos town. Coastguard patrol boats and two fishing vessels helped move "
    "passengers into lifeboats in calm seas.",
    "The Kalliope Star, operated by Cycladic Lines, had left Piraeus at midnight bound for "
    "Santorini. The company said the blaze was under control by mid-morning and that it was "
    "cooperating with the authorities.",
    "It was the second serious incident on a Greek ferry this year, after a vessel lost power "
    "in a storm off Andros in January. Tourism officials have urged the government to speed "
    "up the renewal of an ageing fleet.",
)

FERRY_WIRE = article(
    "meridian-ferry",
    "Meridian Wire",
    "Fire on Greek ferry off Naxos forces evacuation of 412 people",
    FERRY_WIRE_TEXT,
    at(6, 10),
)

# The same wire text on a regional site, dateline dropped and the last paragraph cut.
FERRY_REPRINT = article(
    "gazette-ferry",
    "Harbour Gazette",
    "Hundreds evacuated as fire breaks out on ferry near Naxos",
    (FERRY_WIRE_TEXT[0].removeprefix("ATHENS - "), *FERRY_WIRE_TEXT[1:3]),
    at(6, 40),
)

FERRY_AEGEAN = article(
    "aegean-ferry",
    "Aegean Daily",
    "Naxos ferry fire: passengers describe smoke filling the decks",
    (
        "Passengers on the Kalliope Star ferry described thick smoke pouring through the lower "
        "decks as fire spread from the engine room off Naxos shortly after 4am on Tuesday.",
        "Seventeen people were injured, according to the regional health authority, most of "
        "them suffering from smoke inhalation.",
        "Cycladic Lines chief executive Petros Arvanitakis said engineers had reported a fault "
        "in a fuel line the day before the ferry sailed, and that the fault had been repaired.",
    ),
    at(7, 30),
)

FERRY_RADIO = article(
    "northline-ferry",
    "Northline Radio",
    "Greek minister orders inquiry into Naxos ferry fire",
    (
        "Greece's shipping minister has ordered an inquiry into the fire on the Kalliope Star "
        "ferry off Naxos, in which nearly 20 people were hurt.",
        "The minister said the investigation would examine whether the vessel's fire safety "
        "certificate, renewed in 2024, should have been issued at all.",
        "The ferry was towed into the port of Naxos on Tuesday afternoon.",
    ),
    at(8, 5),
)

GROUNDING_WIRE = article(
    "meridian-grounding",
    "Meridian Wire",
    "Ferry runs aground off Crete, no injuries reported",
    (
        "CHANIA, Crete - A ferry carrying 230 passengers ran aground on a sandbank outside "
        "the port of Chania on the Greek island of Crete on Tuesday, the coastguard said. No one "
        "was hurt.",
        "The Minoan Breeze, operated by Lefka Ferries, was refloated by two tugboats after five "
        "hours, and its passengers were taken ashore by smaller boats.",
    ),
    at(9, 15),
)

GROUNDING_AEGEAN = article(
    "aegean-grounding",
    "Aegean Daily",
    "Minoan Breeze refloated after grounding at Chania",
    (
        "Tugs refloated the ferry Minoan Breeze on Tuesday afternoon after it struck a sandbank "
        "at the entrance to Chania harbour, Lefka Ferries said.",
        "Passengers bound for Piraeus were put on a later sailing; the company blamed strong "
        "crosswinds.",
    ),
    at(13, 20),
)

TRAM_STRIKE = article(
    "courier-trams",
    "Lisbon Courier",
    "Lisbon tram drivers walk out over pay",
    (
        "Tram drivers in Lisbon began a 24-hour strike on Tuesday over pay and shift patterns, "
        "halting the city's historic lines and leaving tourists queueing for buses.",
        "The drivers' union said talks with the municipal operator Carris had broken down over "
        "weekend pay.",
    ),
    at(7),
)

BRIDGE_FIRST = article(
    "flanders-bridge",
    "Flanders Post",
    "Ghent council to vote on new cycle bridge over the Leie",
    (
        "Ghent city council will vote on Tuesday evening on plans for a cycle and footbridge "
        "over the river Leie near the Sint-Pietersstation, a project first proposed in 2019.",
        "The 68-metre steel bridge would cost an estimated 9.4 million euros and link the "
        "station with the new housing district on the northern bank.",
        "Opposition councillors have questioned the cost and the loss of moorings for "
        "houseboats along the quay.",
    ),
    at(9),
)

BRIDGE_UPDATE = article(
    "flanders-bridge-update",
    "Flanders Post",
    "Ghent approves cycle bridge over the Leie after late-night vote",
    (
        "Ghent city council approved on Tuesday evening the plans for a cycle and footbridge "
        "over the river Leie near the Sint-Pietersstation, a project first proposed in 2019.",
        "The 68-metre steel bridge would cost an estimated 9.4 million euros and link the "
        "station with the new housing district on the northern bank.",
    ),
    at(22, 30),
)

HALE_OBITUARY = article(
    "northline-hale",
    "Northline Radio",
    "Civil rights leader Marion Hale dies aged 84",
    (
        "Marion Hale, one of the best-known figures of the civil rights movement, has died "
        "aged 84.",
        "His family said he died peacefully at his home in Atlanta on Monday night.",
        "Hale led voter registration drives across the South for half a century.",
    ),
    at(8, 10),
)
HALE_NEWSLETTER = article(
    "ledger-first",
    "Cape Ledger",
    "Marion Hale has died. And, Norway and Chile set for high-stakes fishing talks",
    (
        "Marion Hale, the civil rights leader who marched from Selma to Montgomery and twice ran "
        "for the Senate, has died at 84, his family said on Tuesday.",
        "Hale founded the Equal Votes League in 1971 and spent five decades registering voters.",
        "Norway and Chile open high-stakes fishing talks in Geneva today, with quotas for the "
        "southern blue whiting at stake.",
        "Negotiators from both countries have met four times since the autumn without any "
        "agreement on catch limits.",
    ),
    at(7, 30),
)

FERRY_REPORTS = (FERRY_WIRE, FERRY_REPRINT, FERRY_AEGEAN, FERRY_RADIO)
DAY_OF_NEWS = (
    *FERRY_REPORTS,
    GROUNDING_WIRE,
    GROUNDING_AEGEAN,
    TRAM_STRIKE,
    BRIDGE_FIRST,
    BRIDGE_UPDATE,
)


def write_folder(folder: Path, articles: Iterable[Article]) -> Path:
    """Each article as a text file in ``folder`` with its header block (Title, Source, URL,
    Date), as a folder source reads it."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in articles:
        assert item.published is not None
        header = (
            f"Title: {item.title}\nSource: {item.source}\nURL: {item.url}\n"
            f"Date: {item.published.isoformat()}\n\n"
        )
        text = "\n\n".join(p.text for p in item.paragraphs)
        (folder / f"{item.key}.txt").write_text(header + text + "\n", encoding="utf-8")
    return folder


def jsonl_line(item: Article, item_id: str | None = None) -> str:
    """An article as a line of the JSON Lines that ``digest stories --jsonl`` reads."""
    return json.dumps(
        {
            "id": item_id or item.key,
            "title": item.title,
            "text": "\n\n".join(p.text for p in item.paragraphs),
            "source": item.source,
            "date": item.published.isoformat() if item.published else None,
        }
    )
