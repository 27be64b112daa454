"""Imported once by the server that forks a build's worker processes (see ``digest.intake``),
before it forks any: every worker then starts with the feed parser, the source kinds, the
cleaning rules and the summariser loaded and compiled, rather than each paying for them
itself. Compiling the built-in cleaning rules alone takes a noticeable moment. (feedparser,
the fallback for broken feeds, is left to the worker that meets one: most builds never do.)"""

from digest import intake

# first, while the rest loads: a stop signal meant for the build must not end this process
intake.leave_stopping_to_the_build()

from digest import ingest, language, summarise  # noqa: E402, F401
from digest.sources import feeds, kinds  # noqa: E402, F401
from digest.text.normalise import default_rules  # noqa: E402

kinds.names()  # the registry imports every kind (and the configuration they read)
default_rules()
