"""A Dask client for the commands: a running scheduler (``--cluster``) or a local one.

`open_client` gives ``None`` when neither is asked for, so that callers run exactly as without
Dask. A local cluster has one single-threaded worker process per ``--workers`` (a report kernel
and an embedding model per process, as the local batch has) and no dashboard (nothing is served).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from rca.core.errors import ParameterError

__all__ = ["cluster_threads", "open_client"]


@contextlib.contextmanager
def open_client(address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """Connect to the scheduler at ``address``, or start a local cluster of ``workers`` processes.

    Parameters
    ----------
    address
        A running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    workers
        Worker processes of a local cluster started for the ``with`` block (one thread each).

    Yields
    ------
    distributed.Client or None
        ``None`` when neither is given. A local cluster is closed when the block ends; a client of
        an existing scheduler is closed, the scheduler and its workers are left running.

    Raises
    ------
    ParameterError
        Both given, or ``workers < 1``.
    """
    if address and workers:
        raise ParameterError("give --cluster ADDRESS or --workers N, not both")
    if workers is not None and workers < 1:
        raise ParameterError(f"--workers: expected at least 1, got {workers}")
    if not address and not workers:
        yield None
        return
    from distributed import Client, LocalCluster

    if address:
        try:
            client = Client(address, timeout="30s")
        except OSError as exc:
            raise ParameterError(f"--cluster {address}: no Dask scheduler ({exc})") from exc
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client


def cluster_threads(client: Any) -> int:
    """Return the number of worker threads of ``client``'s cluster (reports run at once)."""
    return int(sum(client.nthreads().values()))
