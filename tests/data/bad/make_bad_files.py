"""Write the bad (and awkward-but-fine) input files of tests/data/bad/.

Run from anywhere: ``python tests/data/bad/make_bad_files.py``. The output is deterministic; the
files are committed so that a reader can open each one, and this script says how each was made.
``tests/test_validate.py`` holds the expected outcome of each.
"""

from __future__ import annotations

import codecs
import random
from pathlib import Path

HERE = Path(__file__).parent
HEADER = ["audit_id", "case_id", "audit_date", "agent", "auditor", "queue", "market", "score"]
HEADER += ["passed", "comment"]
AGENTS = ["Aisyah Rahman", "Daniel Tan", "Priya Nair", "Wei Ling", "Farid Hassan"]
QUEUES = ["account access", "payments", "content review", "refunds"]


def audit_rows(n: int = 10) -> list[list[str]]:
    """Return ``n`` valid audit rows (as strings) in the order of HEADER."""
    rng = random.Random(7)
    rows = []
    for i in range(1, n + 1):
        score = rng.choice(["72.5", "80", "85", "90", "95", "100", "88.5"])
        rows.append(
            [
                f"A{i:03d}",
                f"C{1000 + i}",
                f"2026-03-{i:02d}",
                AGENTS[i % len(AGENTS)],
                "Mei Chen",
                QUEUES[i % len(QUEUES)],
                "MY",
                score,
                "pass" if float(score) >= 85 else "fail",
                f"Checked identity before reset (case {i})",
            ]
        )
    return rows


def csv_text(rows: list[list[str]], header: list[str] = HEADER, sep: str = ",") -> str:
    """Join rows as CSV text (the values here never need quoting)."""
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


def changed(changes: dict[tuple[int, int], str], n: int = 10) -> list[list[str]]:
    """Valid rows with cells replaced: ``{(row index from 0, column index): value}``."""
    rows = audit_rows(n)
    for (r, c), value in changes.items():
        rows[r][c] = value
    return rows


def files() -> dict[str, str | bytes]:
    """Return every file name and its bytes."""
    ok = audit_rows()
    date, agent, score, passed = 2, 3, 7, 8
    accents = [[*r[:3], "José Núñez", "Zoë Brontë", *r[5:]] for r in ok]
    accents[0][9] = "Très bien – vérification d’identité faite; café €5"
    ragged = [list(r) for r in ok]
    ragged[2] = ragged[2][:6]
    ragged[5] = [*ragged[5], "extra"]
    return {
        "missing_column.csv": csv_text([r[:3] + r[4:] for r in ok], HEADER[:3] + HEADER[4:]),
        "no_score_or_passed.csv": csv_text([r[:7] for r in ok], HEADER[:7]),
        "bad_dates.csv": csv_text(changed({(1, date): "2026-02-30", (4, date): "next week"})),
        "score_out_of_range.csv": csv_text(
            changed({(2, score): "120", (5, score): "-5", (8, score): "100.5"})
        ),
        "duplicate_ids.csv": csv_text(changed({(3, 0): "A001", (6, 0): "A001"})),
        "bad_booleans.csv": csv_text(changed({(0, passed): "maybe", (9, passed): "2"})),
        "empty_required.csv": csv_text(changed({(4, agent): "", (7, agent): "   "})),
        "several_problems.csv": csv_text(
            changed({(2, date): "31/02/2026", (2, score): "150", (2, passed): "perhaps"})
        ),
        "decimal_comma.csv": csv_text(changed({(1, score): '"87,5"'})),
        "mostly_invalid.csv": csv_text(
            [[*r[:2], f"{i + 1:02d}/03/2026", *r[3:]] for i, r in enumerate(ok)]
        ),
        "empty.csv": b"",
        "header_only.csv": csv_text([]),
        "blank_lines_only.csv": "\n\n  \n",
        "duplicate_columns.csv": csv_text(ok, [*HEADER[:-1], "score"]),
        "ragged.csv": csv_text(ragged),
        "image.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06",
        "not_a_workbook.xlsx": csv_text(ok),
        "audits.docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"word/document.xml" * 4,
        "audits.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56,
        "malformed.jsonl": '{"audit_id": "A001", "score": 90}\n{"audit_id": "A002", "score": 80}\n'
        '\n{"audit_id": "A003", "score": 85,}\n',
        "undetectable_encoding.csv": bytes(
            random.Random(3).randrange(0x80, 0x100) for _ in range(600)
        ),
        "cp1252.csv": csv_text(accents).encode("cp1252"),
        "utf8_bom.csv": codecs.BOM_UTF8 + csv_text(accents).encode("utf-8"),
        "utf16.csv": csv_text(accents).encode("utf-16"),
        "semicolon.csv": csv_text([[c.replace(",", "") for c in r] for r in ok], sep=";"),
        "tab_quoted.tsv": csv_text([[*r[:9], f'"{r[9]}; see\tnotes"'] for r in ok], sep="\t"),
    }


def main() -> None:
    """Write the files next to this script."""
    for name, content in files().items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
