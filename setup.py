"""Build hook for the one optional C module; everything else is in pyproject.toml.

rules.matcher._textscan needs Hyperscan's headers and library (Debian: libhyperscan-dev). Where they are
missing the build skips the module and the rule engine answers every text with RE2 instead: same
answers, slower (rules/matcher/textscan.py, docs/rule-engine.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("leadsig.rules.matcher._textscan", ["rules/matcher/_textscan.c"], libraries=["hs"],
                             optional=True)])
