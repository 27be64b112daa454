"""Where articles come from: the kinds of source (``kinds``, one plug-in module each) and the
formats they read (``files``, ``feeds``, ``pages``), with OPML, fetching, discovery and URLs."""
