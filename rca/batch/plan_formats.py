"""Which files a planned report gets besides its HTML: a PDF, a slide deck (the plan's ``formats``).

A plan may say, for every report and per entry (``parameters/monthly.yaml`` documents it)::

    formats:            # plan level: the defaults
      pdf: true         #   a PDF of every report (printed from its HTML)
      deck: true        #   a slide deck of every report whose notebook marks slides
      agent_pdf: false  #   PDFs of the reports built per agent (each: agent)
    reports:
      - notebook: calibration
        formats: {pdf: false}   # entry level: this entry only

Agents' PDFs are off by default: there is one report per agent (dozens to hundreds a month),
each adding a print of about a second and a file the size of its HTML, for a page agents read on
screen; a plan turns them on with ``agent_pdf: true``. A deck needs slides marked in the notebook
(`rca.batch.deck_export.has_slides`): asking for one from a notebook without slides is an error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from rca.core.yamlfile import YamlFile

__all__ = ["FORMAT_KEYS", "Formats", "entry_formats", "notebook_has_slides", "plan_formats"]

#: Keys of a plan's ``formats:`` (an entry's takes ``pdf`` and ``deck``).
FORMAT_KEYS: tuple[str, ...] = ("pdf", "deck", "agent_pdf")


@dataclass(frozen=True)
class Formats:
    """Output formats besides the HTML: plan defaults, or one entry's resolved choice."""

    pdf: bool = True
    deck: bool = True
    agent_pdf: bool = False


@functools.cache
def notebook_has_slides(notebook: str) -> bool:
    """Whether ``notebooks/<notebook>.py`` marks slides (False for a notebook with no file)."""
    from rca.batch.deck_export import has_slides
    from rca.batch.notebook_run import load_notebook
    from rca.core.errors import ParameterError

    try:
        return has_slides(load_notebook(notebook))
    except ParameterError:  # declared at run time (tests) without a notebook file
        return False


def _switches(
    doc: YamlFile, at: tuple[str | int, ...], raw: Any, allowed: tuple[str, ...]
) -> dict[str, bool]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.fail(at, f"expected a mapping of {', '.join(allowed)} to true or false")
    doc.check_keys(at, raw, allowed)
    for key, value in raw.items():
        if not isinstance(value, bool):
            raise doc.fail((*at, key), "expected true or false")
    return dict(raw)


def plan_formats(doc: YamlFile, raw: Any) -> Formats:
    """Read a plan's ``formats:`` (defaults: PDFs and decks on, agents' PDFs off)."""
    return Formats(**_switches(doc, ("formats",), raw, FORMAT_KEYS))


def entry_formats(
    doc: YamlFile,
    at: tuple[str | int, ...],
    raw: Any,
    defaults: Formats,
    notebook: str,
    per_agent: bool,
) -> Formats:
    """Resolve one entry's formats: its own ``formats:`` over the plan's defaults.

    ``per_agent``: the entry builds one report per agent (its PDF default is ``agent_pdf``).
    """
    own = _switches(doc, (*at, "formats"), raw, ("pdf", "deck"))
    slides = notebook_has_slides(notebook)
    if own.get("deck") and not slides:
        raise doc.fail((*at, "formats", "deck"), f"{notebook} marks no slides: no deck to build")
    pdf = own.get("pdf", defaults.agent_pdf if per_agent else defaults.pdf)
    deck = own.get("deck", defaults.deck) and slides
    return Formats(pdf=pdf, deck=deck, agent_pdf=defaults.agent_pdf)
