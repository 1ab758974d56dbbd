"""The history store: every ingested month, theme registry and run, in one DuckDB file."""

__all__: list[str] = []
