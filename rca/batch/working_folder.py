"""A team's working folder (``rca init``): its own parameters, data and outputs.

`init_working_folder` copies the shipped plan, root-cause taxonomy and example column mapping
into ``DIR/parameters/``, adds an empty curation file, ``data/``, ``outputs/`` and a README of
what to edit. Run from that folder, ``rca batch``, ``rca demo`` and ``rca analyze`` use those files
(`rca.core.paths.working_dir`).
"""

from __future__ import annotations

from pathlib import Path

from rca.core.errors import ParameterError
from rca.core.paths import default_parameters_dir

__all__ = ["init_working_folder"]

_MAPPINGS_NOTE = """
# mappings:           optional: a column mapping per input kind (audits: mappings/FILE.yaml),
#                      relative to this file, for exports that use a vendor's column names.
#                      Check one first: rca validate data/audits.csv --kind audits --mapping FILE
"""

_CURATION = """\
# Analysts' theme curation: renames, merges and root-cause pins, applied to the audit themes of
# every `rca batch` (the plan's `curation:`). The theme explorer report saves to this file
# (save_curation); editing it by hand works too:
#   renames:  {"<theme key>": "Outdated ID-verification macro"}
#   merges:   [["<theme key>", "<theme key>"]]           # merged into the first
#   pins:     {"<theme key>": "process.outdated_macro"}  # an id from root_causes.yaml
# A theme key is its top five keywords, sorted, joined with ", " (shown in the explorer).
"""

_README = """\
# rca working folder

Made by `rca init`. Run `rca` from this folder: it uses the files below instead of the shipped
defaults.

What to edit:

- `data/`: each month's exports, `audits.csv` (required), `feedback.csv`, `calibration.csv`,
  `ai_labels.csv`, `known_issues.csv` (`.parquet`, `.xlsx` and `.jsonl` work too).
- `parameters/monthly.yaml`: the reports `rca batch` builds (once, per team, per agent),
  their shared parameters, and `mappings:` for exports in a vendor's format.
- `parameters/mappings/`: column mappings of vendor exports; `vendor_example.yaml` documents
  the format (`rca validate --mapping` checks one).
- `parameters/root_causes.yaml`: your root-cause taxonomy (groups, causes, seed phrases).
- `parameters/curation.yaml`: theme renames, merges and pins; the theme explorer saves here.
- `outputs/`: the reports, one folder per month (`outputs/YYYY-MM/index.html`).

Commands, run here:

    rca demo                                     # try everything on sample data first
    rca validate data/audits.csv --kind audits   # check an export (add --mapping FILE)
    rca batch --month YYYY-MM                    # every planned report of the month
    rca batch --month YYYY-MM --mapping audits=parameters/mappings/FILE.yaml
    rca check outputs/YYYY-MM                    # open the reports as a reader would

`rca --help` and `rca COMMAND --help` list every option.
"""


def _plan_text(source: Path) -> str:
    """Return the shipped plan with a note on ``mappings:``, unless it documents them already."""
    text = source.read_text(encoding="utf-8")
    if "# mappings:" in text:
        return text
    cut = text.find("\n# Files:")  # the mappings note goes with the other keys' notes
    if cut < 0:
        return text.rstrip("\n") + "\n" + _MAPPINGS_NOTE
    return text[:cut] + _MAPPINGS_NOTE.rstrip("\n") + text[cut:]


def init_working_folder(folder: str | Path, *, force: bool = False) -> list[Path]:
    """Create a working folder for a team; return the files written.

    Parameters
    ----------
    folder
        The folder to create (it may exist).
    force
        Overwrite files that already exist; without it nothing is written when any exists.

    Returns
    -------
    list of Path
        The files written, in the order listed in the folder's README.

    Raises
    ------
    ParameterError
        If a file to be written exists and ``force`` is false, or ``folder`` is a file.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise ParameterError(f"{root}: exists and is not a folder")
    shipped = default_parameters_dir()
    files: dict[Path, str] = {
        root / "parameters" / "monthly.yaml": _plan_text(shipped / "monthly.yaml"),
        root / "parameters" / "root_causes.yaml": (shipped / "root_causes.yaml").read_text(
            encoding="utf-8"
        ),
        root / "parameters" / "mappings" / "vendor_example.yaml": (
            shipped / "mappings" / "vendor_example.yaml"
        ).read_text(encoding="utf-8"),
        root / "parameters" / "curation.yaml": _CURATION,
        root / "README.md": _README,
    }
    existing = [path for path in files if path.exists()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise ParameterError(f"{existing[0]}: exists{more}; use --force to overwrite")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in ("data", "outputs"):
        (root / name).mkdir(exist_ok=True)
    return list(files)
