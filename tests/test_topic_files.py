"""`rca themes` on every supported format: one assignment per input row, in input order."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from test_topics import corpus

from rca.cli import main


def frame() -> pd.DataFrame:
    texts, labels = corpus(30)
    texts = list(texts)
    texts[5] = ""  # a row without text stays in the output, unassigned
    texts[7] = "call me at +60 12-345 6789 or jane.doe@example.com about the otp sms code"
    return pd.DataFrame({"id": range(len(texts)), "comment": texts, "label": labels})


WRITERS = {
    "csv": lambda df, p: df.to_csv(p, index=False),
    "parquet": lambda df, p: df.to_parquet(p, index=False),
    "xlsx": lambda df, p: df.to_excel(p, index=False),
    "jsonl": lambda df, p: df.to_json(p, orient="records", lines=True),
}


def run_cli(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["rca", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return (exit_info.value.code or 0), out, err


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_topics_command_on_every_format(ext, tmp_path, monkeypatch, capsys):
    df = frame()
    path = tmp_path / f"comments.{ext}"
    WRITERS[ext](df, path)
    code, _, err = run_cli(
        monkeypatch, capsys, "themes", str(path), "--text-column", "comment",
        "--out", str(tmp_path / "out"), "--embedder", "fake", "--seed", "1",
    )  # fmt: skip
    assert code == 0, err
    assigned = pd.read_csv(tmp_path / "out" / "assignments.csv")
    topics = pd.read_csv(tmp_path / "out" / "themes.csv")
    assert list(assigned.columns) == ["row", "theme_id", "theme_label", "root_cause", "confidence"]
    assert len(assigned) == len(df)
    first_row = 1 if ext == "jsonl" else 2  # spreadsheet rows: header is row 1; JSONL: line 1
    assert assigned["row"].tolist() == list(range(first_row, first_row + len(df)))
    assert assigned.loc[5, "theme_id"] == -1
    assert {"theme_id", "theme_label", "size", "keywords", "root_cause"} <= set(topics.columns)
    assert topics["size"].sum() == (assigned["theme_id"] >= 0).sum() + (
        topics.loc[topics["theme_id"] == -1, "size"].sum()
    )
    from sklearn.metrics import adjusted_rand_score

    has = assigned["theme_id"] >= 0
    assert adjusted_rand_score(df.loc[has, "label"], assigned.loc[has, "theme_id"]) > 0.7
    written = (tmp_path / "out" / "themes.csv").read_text()
    assert "jane.doe@example.com" not in written and "345 6789" not in written


def test_same_input_and_seed_same_files(tmp_path, monkeypatch, capsys):
    path = tmp_path / "c.csv"
    frame().to_csv(path, index=False)
    outputs = []
    for run in ("a", "b"):
        code, _, err = run_cli(
            monkeypatch, capsys, "themes", str(path), "--text-column", "comment",
            "--out", str(tmp_path / run), "--embedder", "fake",
        )  # fmt: skip
        assert code == 0, err
        outputs.append((tmp_path / run / "assignments.csv").read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text-column", "nope"], "no column 'nope'"),
        (["--text-column", "comment", "--topics", "many"], "expected 'auto' or a whole number"),
        (["--text-column", "comment", "--embedder", "bert"], "unknown backend 'bert'"),
    ],
)
def test_topics_command_user_mistakes(args, message, tmp_path, monkeypatch, capsys):
    path = tmp_path / "c.csv"
    frame().to_csv(path, index=False)
    code, _, err = run_cli(monkeypatch, capsys, "themes", str(path), "--out", str(tmp_path), *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


@pytest.mark.real
def test_topics_offline_with_real_model(tmp_path, monkeypatch, capsys, banking77):
    """The real MiniLM path with every socket refused: nothing reaches a network."""
    import socket

    def refuse(*a, **k):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    df = banking77.groupby("category").head(6).head(300)
    path = tmp_path / "b77.csv"
    df.to_csv(path, index=False)
    code, _, err = run_cli(
        monkeypatch, capsys, "themes", str(path), "--text-column", "text", "--out",
        str(tmp_path / "o"), "--embedder", "minilm",
    )  # fmt: skip
    assert code == 0, err
    assigned = pd.read_csv(tmp_path / "o" / "assignments.csv")
    assert len(assigned) == len(df) and np.isfinite(assigned["confidence"]).all()


def test_curation_is_applied_on_the_next_run(tmp_path, monkeypatch, capsys):
    """An analyst renames a theme and pins its cause; the next run uses both."""
    from rca.themes.curation_file import Curation, pin, rename, save_curation

    path = tmp_path / "c.csv"
    frame().to_csv(path, index=False)
    args = ["themes", str(path), "--text-column", "comment", "--embedder", "fake"]
    code, _, err = run_cli(monkeypatch, capsys, *args, "--out", str(tmp_path / "first"))
    assert code == 0, err
    topics = pd.read_csv(tmp_path / "first" / "themes.csv")
    biggest = topics[topics["theme_id"] >= 0].sort_values("size").iloc[-1]
    key = ", ".join(sorted(biggest["keywords"].split(", ")[:5]))
    curation = pin(rename(Curation(), key, "Analyst's name"), key, "product.bug")
    curation = rename(curation, "gone, theme, that, matches, nothing", "Stale entry")
    save_curation(curation, tmp_path / "curation.yaml")

    code, _, err = run_cli(
        monkeypatch, capsys, *args, "--out", str(tmp_path / "second"),
        "--curation", str(tmp_path / "curation.yaml"),
    )  # fmt: skip
    assert code == 0, err
    again = pd.read_csv(tmp_path / "second" / "themes.csv")
    renamed = again[again["theme_label"] == "Analyst's name"]
    assert len(renamed) == 1
    assert renamed["root_cause"].item() == "product.bug"
    assert "curation not applied" in err and "matches" in err  # reported, not dropped
