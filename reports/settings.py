"""The ``reports:`` section as the report builders read it (checked, with lines, when the config loads)."""

from __future__ import annotations

from leadsig.config import Config, ReportsConfig

ReportSettings = ReportsConfig


def report_settings(cfg: Config) -> ReportSettings:
    return cfg.reports
