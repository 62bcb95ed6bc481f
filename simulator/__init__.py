"""The forge simulator: a deterministic synthetic org served as GitHub REST v3 and GitLab v4 over HTTP.

Public API: :func:`build_org`, :class:`Org`, :class:`ForgeSimulator`, :class:`Switches`, :data:`SIZES`.
"""

from leadsig.simulator.faults import Switches
from leadsig.simulator.generate import build_org
from leadsig.simulator.model import GITHUB, GITLAB
from leadsig.simulator.org import SIZES, Org
from leadsig.simulator.server import ForgeSimulator

__all__ = ["GITHUB", "GITLAB", "SIZES", "ForgeSimulator", "Org", "Switches", "build_org"]
