"""The foundation every layer may use.

The foundation every layer may use: errors, paths and environment, argument checks, the
strict YAML reader. It imports nothing else from ``rca``.
"""

__all__: list[str] = []
