"""The indicator registry as the reports use it: imported from the rule engine, never duplicated."""

from __future__ import annotations

from leadsig.rules.language.indicators import BY_ID, IMPACTS, INDICATORS, SIGNAL_TYPES
from leadsig.rules.language.indicators import Indicator as IndicatorInfo

__all__ = ["IMPACTS", "SIGNAL_TYPES", "IndicatorInfo", "indicators", "label_of"]


def indicators() -> tuple[IndicatorInfo, ...]:
    return INDICATORS


def label_of(indicator_id: str) -> str:
    """A readable label; an indicator of a local rule pack shows as its id in words."""
    info = BY_ID.get(indicator_id)
    return info.label if info else indicator_id.replace("_", " ")
