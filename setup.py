"""Build hook for the optional C modules; everything else is in pyproject.toml.

rules.matcher._textscan needs Hyperscan's headers and library (Debian: libhyperscan-dev); rules.matcher.
_phrasescan needs only a C compiler. Where one cannot be built the build skips it and the rule engine
answers those texts with RE2 instead: same answers, slower (rules/matcher/textscan.py, docs/rule-engine.md).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("leadsig.rules.matcher._textscan", ["rules/matcher/_textscan.c"], libraries=["hs"],
                             depends=["rules/matcher/_scanout.h"],
                             optional=True),
                   Extension("leadsig.rules.matcher._phrasescan", ["rules/matcher/_phrasescan.c"],
                             depends=["rules/matcher/_scanout.h"],
                             extra_compile_args=["-O2"], optional=True)])
