"""Ingest: reading and checking exports.

Ingest: the data contract (schemas), reading export files, column mappings for vendor exports,
validation with quarantine, and finding a month's files in a folder.
"""

__all__: list[str] = []
