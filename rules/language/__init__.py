"""The rule language: parse, check and compile rule files; fields, indicators and the operator registry.

Nothing here reads the warehouse or a DataFrame: a compiled rule is plain data the matcher consumes.
"""
