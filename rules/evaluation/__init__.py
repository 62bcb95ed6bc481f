"""``rules eval``: measuring rules on a labelled corpus (read and check, build as the miners store, score, report).

A tool beside the two halves of the engine: it drives the language (loading rules) and the matcher (the
nightly enrich and match) on throw-away warehouses, and never changes either.
"""
