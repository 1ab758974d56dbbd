"""What is shared and what stays private: personal data never reaches the shared month folder.

``outputs/<month>/`` is what people mail. The batch test below plants personal data (an e-mail,
a phone number, a Luhn-valid card number, an @handle) in the free text of valid rows and of rows
that will be quarantined, builds a month of reports with ``rca batch``, opens every page in
headless Chromium (``rca check``: screenshots and page text) and searches every file of the
shared folder for it, in raw bytes and HTML-, JSON- and URL-decoded text. The quarantined rows'
original values must be in the private working area, where the command line says they are.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, unquote_plus

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from rca.batch.manifest import shareable_text, shared_manifest
from rca.cli import main

MONTH = "2026-10"
#: Planted in valid rows (the reports may quote these rows, redacted).
VALID = {
    "email": "zz.privacy.probe7@example.org",
    "phone": "+44 20 7946 0958",
    "card": "4539 1488 0343 6467",  # passes Luhn
    "handle": "@qaprobehandle9",
}
#: Planted in rows with a bad date (quarantined with their original values).
QUARANTINED = {
    "email": "quarantined.probe8@example.net",
    "phone": "+1 415 555 0199",
    "card": "5555-5555-5555-4444",  # passes Luhn
    "handle": "@qhandleprobe8",
}
#: Free-text column and date column of each export the data is planted in.
PLANT = {"audits": ("comment", "audit_date"), "feedback": ("text", "date"),
         "ai_labels": ("note", "date")}  # fmt: skip
AGENT_ID = re.compile(r"agent_\d{3}")


def _luhn(number: str) -> bool:
    digits = [int(c) for c in reversed(number) if c.isdigit()]
    total = sum(d if i % 2 == 0 else (2 * d - 9 if d > 4 else 2 * d) for i, d in enumerate(digits))
    return total % 10 == 0


def _needles(values: dict[str, str]) -> set[str]:
    """Each planted value as written, without separators, and its distinctive middle."""
    found = set()
    for kind, value in values.items():
        found.add(value.lower())
        if kind in ("phone", "card"):
            digits = re.sub(r"\D", "", value)
            found |= {digits, digits[-10:], value[-9:]}
        else:
            found.add(value.lstrip("@").split("@")[0])  # the handle, an e-mail's local part
    return found


def _readings(data: bytes) -> list[str]:
    """A file's bytes as text, raw and HTML-, JSON- (\\u escapes) and URL-decoded, lower case."""
    text = data.decode("utf-8", errors="ignore")
    json_text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    json_text = json_text.replace("\\/", "/")
    readings = [text, html.unescape(text), json_text, unquote(text), unquote_plus(text)]
    readings.append(unquote(html.unescape(json_text)))
    readings.append(html.unescape(unquote(json_text)))
    return [r.lower() for r in readings]


def find_leaks(folder: Path, needles: set[str]) -> list[tuple[str, str]]:
    """Return ``(file, needle)`` for every needle found in any reading of any file under folder."""
    leaks = []
    # a PDF's bytes are compressed (and say /Root): its text is searched apart, by pdftotext
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pdf"):
        readings = _readings(path.read_bytes())
        leaks += [(str(path.relative_to(folder)), n) for n in sorted(needles)
                  if any(n in r for r in readings)]  # fmt: skip
    return leaks


def plant(data: Path) -> list[str]:
    """Plant `VALID` and `QUARANTINED` in the sample exports; return two agents to report on."""
    valid_text = " — reach me at {email} or {phone}, card {card}, {handle}".format(**VALID)
    bad_text = " — reach me at {email} or {phone}, card {card}, {handle}".format(**QUARANTINED)
    agents: list[str] = []
    for kind, (text, date) in PLANT.items():
        path = data / f"{kind}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        in_month = df.index[df[date].str.startswith(MONTH)]
        if kind == "audits":
            counts = df.loc[in_month, "agent"].value_counts()
            agents = sorted(counts.index[:2])
            chosen = df.index[df.index.isin(in_month) & df["agent"].isin(agents)]
            chosen = chosen.union(in_month[::25])
        else:
            chosen = in_month[::20]
        df.loc[chosen, text] = df.loc[chosen, text] + valid_text
        bad = in_month.difference(chosen)[:4]
        df.loc[bad, text] = df.loc[bad, text] + bad_text
        df.loc[bad, date] = "2026-13-45"  # not a date: the row is quarantined
        df.to_csv(path, index=False)
    return agents


def test_the_planted_values_are_what_they_claim():
    assert _luhn(VALID["card"]) and _luhn(QUARANTINED["card"])
    assert not _luhn("4539 1488 0343 6468")
    # the search reads through every escaping a file format may apply
    email = VALID["email"]
    for written in (
        email,
        email.replace("@", "&#64;"),
        email.replace(".", "\\u002e"),
        email.replace("@", "%40"),
        email.replace("@", "%40").replace(".", "&#46;"),  # a link in HTML
    ):
        assert any(email in r for r in _readings(f"<p>{written}</p>".encode())), written


def test_the_shared_manifest_keeps_no_path_and_no_private_parameter(tmp_path):
    work, data = tmp_path / "work" / MONTH, tmp_path / "data"
    full = {
        "month": MONTH,
        "plan": {"path": str(tmp_path / "plans" / "monthly.yaml"), "sha256": "ab"},
        "data_dir": str(data),
        "analysis": str(work / "analysis"),
        "model": "minilm",
        "embedder": str(tmp_path / "models" / "mine"),
        "inputs": {"audits.csv": {"sha256": "cd", "bytes": 10}},
        "reports": [
            {
                "notebook": "agent_feedback", "title": "Feedback for agent_001",
                "group": "agent_001", "status": "failed", "html": None,
                "ipynb": "notebooks/x.ipynb", "attempts": 1,
                "reason": f"OSError: {work}/analysis/x.parquet; mail {VALID['email']}",
                "parameters": {"workspace": "analysis/workspace", "month": MONTH, "agent":
                               "agent_001", "counter": str(tmp_path / "c.txt"), "min_n": 30},
            }
        ],
    }  # fmt: skip
    shared = shared_manifest(full, [work, data])
    assert set(shared) == {"month", "plan", "model", "embedder", "inputs", "reports"}
    assert shared["plan"] == {"name": "monthly.yaml", "sha256": "ab"}
    assert shared["embedder"] == "mine"
    (report,) = shared["reports"]
    assert report["parameters"] == {"month": MONTH, "agent": "agent_001", "min_n": 30}
    assert "ipynb" not in report
    assert report["reason"] == "OSError: <private>/analysis/x.parquet; mail [EMAIL]"
    assert str(tmp_path) not in json.dumps(shared)


def test_shareable_text_hides_folders_home_and_personal_data(tmp_path):
    home = str(Path.home())
    text = f"{tmp_path}/a and {home}/b, call {VALID['phone']}"
    assert shareable_text(text, [tmp_path]) == "<private>/a and ~/b, call [PHONE]"


def test_rca_validate_quarantines_into_the_private_area(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RCA_OUTPUTS", str(tmp_path / "outputs"))
    bad = tmp_path / "audits.csv"
    df = pd.read_csv(ROOT / "tests" / "data" / "bad" / "score_out_of_range.csv", dtype=str)
    df.loc[df.index[0], "comment"] = f"mail {QUARANTINED['email']}"
    df.loc[df.index[0], "score"] = "250"
    df.to_csv(bad, index=False)
    monkeypatch.setattr(sys, "argv", ["rca", "validate", str(bad), "--kind", "audits"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsys.readouterr().out
    assert exit_info.value.code in (None, 0), out
    (quarantine,) = (tmp_path / "outputs" / ".work" / "quarantine").glob("*.quarantine.csv")
    assert QUARANTINED["email"] in quarantine.read_text(encoding="utf-8-sig")  # kept to fix
    assert f"(private: fix the export, never share): {quarantine}" in out.replace("\n", "")


@pytest.mark.parametrize("option", ["--quarantine", "--work"])
def test_private_files_are_refused_inside_a_shared_month_folder(
    monkeypatch, capsys, tmp_path, option
):
    month = tmp_path / "outputs" / MONTH
    month.mkdir(parents=True)
    (month / "index.html").write_text("<p>reports</p>")
    (month / "manifest.json").write_text("{}")
    bad = ROOT / "tests" / "data" / "bad" / "score_out_of_range.csv"
    argv = ["rca", "validate", str(bad), "--kind", "audits", option, str(month / "private")]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "inside the shared month folder" in capsys.readouterr().err
    assert not (month / "private").exists()


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """Sample data with planted personal data -> ``rca batch`` (fake embedder, five reports)."""
    from rca.sample import generate_sample

    root = tmp_path_factory.mktemp("privacy")
    data = root / "data"
    generate_sample(data, months=2, seed=0)
    agents = plant(data)
    plan = {
        "reports": [
            {"notebook": "executive", "title": "Executive summary {month}"},
            {"notebook": "explore", "title": "Theme explorer {month}"},
            {"notebook": "training", "name": "training-quiz", "parameters": {"mode": "quiz"}},
            {"notebook": "agent_feedback", "each": "agent", "only": agents,
             "title": "Feedback for {agent} · {month}"},
        ],
        "parameters": {"min_n": 30},
    }  # fmt: skip
    (root / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True))
    env = {**os.environ, "RCA_EMBED_CACHE": str(root / "cache"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "rca.cli", "batch", "--month", MONTH, "--plan",
         str(root / "plan.yaml"), "--data", str(data), "--out", str(root / "outputs"),
         "--embedder", "fake", "--jobs", "2"],
        capture_output=True, text=True, env=env, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root, agents, proc


@pytest.fixture(scope="module")
def checks(month):
    from rca.batch.browser_check import check_reports

    root, _, _ = month
    return check_reports(root / "outputs" / MONTH, texts=True)


@pytest.mark.notebook
@pytest.mark.browser
def test_no_planted_personal_data_anywhere_in_the_shared_month_folder(month, checks):
    root, agents, proc = month
    shared, work = root / "outputs" / MONTH, root / "outputs" / ".work" / MONTH
    assert {c.path.name for c in checks} >= {"index.html", "executive.html", "explore.html"}
    assert all(c.screenshot and c.text_file and c.text_file.exists() for c in checks)
    # only reports, the index, the manifest, the training score sheets (no answer, no name),
    # screenshots and their page text are shared
    files = {p.relative_to(shared) for p in shared.rglob("*") if p.is_file()}
    sheets = {f for f in files if f.name.startswith("score-sheet-") and f.suffix == ".csv"}
    assert sheets  # the sample month has training packs; find_leaks below reads them too
    assert {f for f in files - sheets if f.parts[0] != "screenshots" and f.suffix != ".html"} == {
        Path("manifest.json"),
        Path("executive.pdf"),
        Path("explore.pdf"),
        Path("training-quiz.pdf"),
    }  # agents' PDFs are off by default
    assert {f.suffix for f in files if f.parts[0] == "screenshots"} == {".png", ".txt"}
    assert (shared / "executive.slides.html").exists()  # the deck: searched as text below
    # the planted rows went through the batch: redacted in the reports readers see
    agent_pages = [c for c in checks if c.path.parent.name == "agent-feedback"]
    assert len(agent_pages) == len(agents) == 2
    assert all("[EMAIL]" in c.text and "[CARD]" in c.text for c in agent_pages)
    planted = _needles(VALID) | _needles(QUARANTINED)
    assert find_leaks(shared, planted) == []
    pdfs = [c for c in checks if c.path.suffix == ".pdf"]  # PDFs: their text, by pdftotext
    assert len(pdfs) == 3 and all(c.text for c in pdfs)
    assert [(c.path.name, n) for c in pdfs for n in planted if n in c.text.lower()] == []
    home = {str(root).lower(), str(Path.home()).lower() + "/"}
    assert [(c.path.name, n) for c in pdfs for n in home if n in c.text.lower()] == []
    # nor any private folder: no data, working-area or temporary path
    private = {str(root).lower(), str(root.resolve()).lower(), str(Path.home()).lower()}
    assert find_leaks(shared, private) == []
    # the search finds what is there: the private area holds the quarantined originals
    assert find_leaks(work, _needles(QUARANTINED))
    quarantine = sorted((work / "analysis" / "workspace" / "quarantine").glob("*.csv"))
    assert [q.name.split(".")[0] for q in quarantine] == ["ai_labels", "audits", "feedback"]
    for path in quarantine:
        text = path.read_text(encoding="utf-8-sig")
        assert all(v in text for v in QUARANTINED.values()), path.name
        assert f"{path}" in proc.stdout.replace("\n", ""), proc.stdout
    assert f"Private working files (never share): {work}" in proc.stdout
    assert not list(shared.rglob("*.ipynb")) and (work / "notebooks" / "executive.ipynb").exists()


@pytest.mark.notebook
@pytest.mark.browser
def test_an_agent_report_shows_no_other_agent(month, checks):
    _, agents, _ = month
    agent_pages = [c for c in checks if c.path.parent.name == "agent-feedback"]
    for check in agent_pages:
        (own,) = [a for a in agents if a.replace("_", "-") in check.path.stem]
        seen = {
            "page text": set(AGENT_ID.findall(check.text)),
            "screenshot text": set(AGENT_ID.findall(check.text_file.read_text(encoding="utf-8"))),
            "html source": set(AGENT_ID.findall(check.path.read_text(encoding="utf-8"))),
        }
        assert own in seen["html source"]  # its title
        assert {k: v - {own} for k, v in seen.items()} == {k: set() for k in seen}, check.path
