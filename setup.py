"""Build hook for the one optional C module; everything else is in pyproject.toml.

rules._textscan needs Hyperscan's headers and library (Debian: libhyperscan-dev). Where they are
missing the build skips the module and the rule engine answers every text with RE2 instead: same
answers, slower (rules/textscan.py, rules/README.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("leadsig.rules._textscan", ["rules/_textscan.c"], libraries=["hs"], optional=True)])
