"""Progress bars for the long steps of a theme fit (embedding, neighbours, layout, assignment).

Bars show the rate and the time left, go to standard error, and stay quiet when standard error is
not a terminal (batch logs, notebooks run by papermill, CI) or when the caller passes
``progress=False``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["progress_bar", "tqdm_kwargs"]


def tqdm_kwargs(enabled: bool = True) -> dict[str, Any]:
    """Return tqdm keyword arguments: off when ``enabled`` is False, else only on a terminal."""
    return {"disable": None if enabled else True, "dynamic_ncols": True, "leave": False}


def progress_bar(total: int, desc: str, unit: str = "text", enabled: bool = True) -> Any:
    """Return a tqdm bar of ``total`` ``unit`` s (a no-op bar when quiet).

    Parameters
    ----------
    total
        Units of work.
    desc
        Short name of the step shown before the bar.
    unit
        Name of one unit (the rate is shown per unit).
    enabled
        False silences the bar whatever the terminal.

    Returns
    -------
    tqdm
        Use ``update(n)`` and ``close()`` (or ``with``).
    """
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, **tqdm_kwargs(enabled))
