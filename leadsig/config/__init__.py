"""The leadsig configuration file (``leadsig.yaml``), validated into typed objects.

Every mistake is reported with file, line, key and a hint, all at once, before anything is written.
Tokens are never read here: a source only names the environment variable, read when it is used.
"""

from leadsig.config.load import load_config
from leadsig.config.model import (
    DEFAULT_BOT_PATTERNS,
    DEFAULT_MIN_GROUP,
    DEFAULT_PATH_GROUPS,
    DEFAULT_RETENTION_MONTHS,
    MIN_ACCESS_LOG_MONTHS,
    CheckinsConfig,
    Config,
    ReportsConfig,
    RetentionConfig,
    ScheduleConfig,
    SourceConfig,
    TeamConfig,
)
from leadsig.config.web import Grant, WebConfig

__all__ = ["DEFAULT_BOT_PATTERNS", "DEFAULT_MIN_GROUP", "DEFAULT_PATH_GROUPS", "DEFAULT_RETENTION_MONTHS",
           "MIN_ACCESS_LOG_MONTHS", "CheckinsConfig", "Config", "ReportsConfig", "RetentionConfig", "ScheduleConfig",
           "SourceConfig", "TeamConfig", "load_config", "Grant", "WebConfig"]
