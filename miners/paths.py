"""Path groups for the miners: the matching lives on the ground floor (leadsig/paths.py), shared with rules eval."""

from leadsig.paths import PathGroups, glob_to_regex

__all__ = ["PathGroups", "glob_to_regex"]
