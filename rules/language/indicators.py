"""The twelve indicators of the leadership framework (shared/FRAMEWORK.md), in one registry.

Rules name an indicator by id; reports list the registry so an indicator with no evidence is shown as
such instead of silently missing.
"""

from __future__ import annotations

from dataclasses import dataclass

TECHNICAL = "technical"
OPERATIONAL = "operational"
COMMUNICATION = "communication"
SIGNAL_TYPES: tuple[str, ...] = (TECHNICAL, OPERATIONAL, COMMUNICATION)
IMPACTS: tuple[str, ...] = ("high", "medium", "low")  # ladder order: a step may only go down


@dataclass(frozen=True)
class Indicator:
    id: str
    signal_type: str
    label: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("reviews_proactively", TECHNICAL, "Reviews pull requests proactively"),
    Indicator("mentors_in_reviews", TECHNICAL, "Mentors junior developers in code reviews"),
    Indicator("proposes_architecture", TECHNICAL, "Proposes architectural improvements"),
    Indicator("documents_decisions", TECHNICAL, "Documents decision rationale"),
    Indicator("identifies_bottlenecks", OPERATIONAL, "Identifies process bottlenecks"),
    Indicator("suggests_workflow_improvements", OPERATIONAL, "Suggests workflow improvements"),
    Indicator("volunteers_cross_functional", OPERATIONAL, "Volunteers for cross-functional projects"),
    Indicator("coordinates_handoffs", OPERATIONAL, "Coordinates hand-offs between teams"),
    Indicator("writes_documentation", COMMUNICATION, "Writes clear technical documentation"),
    Indicator("facilitates_async_discussion", COMMUNICATION, "Facilitates async discussions productively"),
    Indicator("summarizes_for_timezones", COMMUNICATION, "Summarizes meeting outcomes for timezone gaps"),
    Indicator("bridges_team_segments", COMMUNICATION, "Bridges communication between team segments"),
)
BY_ID: dict[str, Indicator] = {i.id: i for i in INDICATORS}
