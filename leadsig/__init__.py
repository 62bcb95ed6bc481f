"""leadsig: forge activity into explained, evidence-linked leadership signals.

This package is the ground floor every layer imports: configuration, errors, YAML loading, the activity
model, mining batches and the roster. The layers sit on top, one way (see docs/maintainers.md):
leadsig.warehouse <- leadsig.miners, leadsig.rules <- leadsig.reports <- leadsig.flows (and the command line).
"""
