"""The ``--cluster`` / ``--workers`` options of the heavy commands (Dask distributed).

``rca batch``, ``rca analyze`` and ``rca themes`` take them; without either the command runs
exactly as it does without Dask (`rca.batch.cluster.open_client` gives ``None``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer

__all__ = ["Cluster", "Workers", "dask_session"]

Cluster = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Address of a running Dask scheduler (tcp://HOST:8786): embedding, theme assignment "
        "and reports run on its workers, which must see the data and outputs at the same paths.",
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Start a local Dask cluster of N worker processes for this run."
    ),
]


@contextlib.contextmanager
def dask_session(cluster: str | None, workers: int | None) -> Iterator[Any]:
    """Open the client asked for and send embedding and assignment to it; yield it (or None)."""
    from rca.batch.cluster import open_client
    from rca.themes.distributed import use_client

    with open_client(cluster, workers) as client, use_client(client):
        yield client
