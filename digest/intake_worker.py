"""Imported once by the server that forks a build's worker processes (see ``digest.intake``),
before it forks any: every worker then starts with the feed parser, the cleaning rules and
the summariser loaded and compiled, rather than each paying for them itself. Compiling the
built-in cleaning rules alone takes a noticeable moment."""

from digest import intake  # noqa: F401
from digest.sources import feeds  # noqa: F401
from digest.text.normalise import default_rules

default_rules()
