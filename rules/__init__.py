"""The rule engine, in two halves (docs/rule-engine.md).

- ``leadsig.rules.language``: what a rule file means. Parse, check and compile rule files into
  :class:`~leadsig.rules.language.model.Rule` objects; the field catalog; the operator registry.
- ``leadsig.rules.matcher``: applying compiled rules to stored activity. Enrich, match (vectorised, with the
  fast text path), build signals, classify the warehouse; and the tools that replay rules (naive
  interpreter, explain, diff, inline examples).

The matcher imports the language, never the other way round.
"""
