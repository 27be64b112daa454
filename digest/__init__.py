"""digest: turn many news sources into one calm daily read."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/calm-digest/calm-digest"
