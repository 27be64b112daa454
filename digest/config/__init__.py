"""Configuration: a TOML file read once, at the entry point, into a frozen ``Config``.

``settings`` declares every key once (type, range, default, meaning) and the dataclasses they
fill; ``keys`` is the small language those declarations are written in (kinds of source use it
for their own keys); ``load`` reads a file against them; ``edit`` adds and removes sources in
the file itself; ``reference`` writes the README's configuration reference from ``settings``.
"""

from digest.config.edit import NoSuchSource, add_sources_to_file, remove_source_from_file
from digest.config.keys import ConfigError
from digest.config.load import (
    FIX_SOURCE_ENTRY,
    INVALID_ENTRY,
    default_config,
    find_config,
    keyed_by_state,
    load_config,
    parse_config,
    records_as_named,
    renamed_sources,
)
from digest.config.settings import (
    CONFIG_FILENAME,
    DEFAULT_OUTPUT_DIR,
    DEFAULT_SOURCES_DIR,
    STATE_FILENAME,
    Config,
    EmailConfig,
    FetchConfig,
    ScheduleConfig,
    StoriesConfig,
)

__all__ = [
    "CONFIG_FILENAME",
    "DEFAULT_OUTPUT_DIR",
    "DEFAULT_SOURCES_DIR",
    "FIX_SOURCE_ENTRY",
    "INVALID_ENTRY",
    "STATE_FILENAME",
    "Config",
    "ConfigError",
    "EmailConfig",
    "FetchConfig",
    "NoSuchSource",
    "ScheduleConfig",
    "SectionConfig",
    "StoriesConfig",
    "add_sources_to_file",
    "default_config",
    "find_config",
    "keyed_by_state",
    "load_config",
    "parse_config",
    "records_as_named",
    "remove_source_from_file",
    "renamed_sources",
]
