"""The monthly batch against the naive way, on the sample data, in one run.

    .venv/bin/python benchmarks/batch.py [--months 6] [--embedder minilm] [--jobs 2]
                                         [--naive-all] [--out benchmarks/results/batch.json]
    .venv/bin/python benchmarks/batch.py --formats [--months 3] [--embedder fake] [--agents 5]

batch   ``rca batch`` with parameters/monthly.yaml: every audience, one operations report per team
        and one feedback report per agent. The month is analysed once (one topic model), the
        reports run in parallel on reused kernels. Each batch is its own ``rca batch`` process,
        timed from start to exit (imports, model loading and JIT compilation included). Timed
        four ways: a first run ever (empty embedding cache, numba kernels as ``make install``
        leaves them); the same without install's numba warm-up (empty numba cache too); a new
        month, after last month's batch (run on the rows before this month, untimed) left the
        earlier months' embeddings in the cache, which is how the monthly run normally goes;
        and re-running the month with everything cached.
naive   What an analyst does without it: for each report, one after the other, a fresh process
        analyses the month itself (its own embeddings with an empty cache, its own topic model),
        then papermill executes the notebook in a fresh kernel and nbconvert exports it. At
        minutes per report this takes hours for a month, so by default one report of each
        notebook is run and the total is extrapolated (each notebook's measured time x its number
        of reports); ``--naive-all`` runs all of them.

formats (``--formats``, alone) The cost of the PDFs and slide decks: the same month built by
        ``rca batch`` with the plan's formats off (HTML only) and on (the shipped defaults:
        PDFs of every report but the agents', decks of the executive, operations and policy
        reports), embeddings cached by an untimed first run; wall time and the shared month
        folder's size by kind of file. Written to benchmarks/results/batch_formats.json.

Peak memory is the largest resident set of the process tree (workers and kernels included),
sampled every 0.1 s. Prints a table and writes the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from rca.analysis.workspace import Workspace
from rca.batch.notebook_run import run_report
from rca.batch.plan import expand_plan, load_plan
from rca.core.paths import parameters_dir
from rca.sample import generate_sample

RESULTS = Path(__file__).resolve().parent / "results" / "batch.json"
#: The date column of each export, to cut the data at a month.
DATE_COLUMNS = {"audits": "audit_date", "feedback": "date", "calibration": "session_date",
                "ai_labels": "date"}  # fmt: skip


class PeakMemory:
    """Sample the resident memory of this process and all its children until stopped."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def rca_batch(data: Path, out: Path, month: str, embedder: str, jobs: int,
              env: dict[str, str], plan: Path | None = None,
              workers: int | None = None) -> None:  # fmt: skip
    """``rca batch`` in a fresh process, exactly as a user types it; exits if it fails.

    With ``workers``, on a local Dask cluster of that many worker processes (``--workers``).
    """
    parallel = ["--workers", str(workers)] if workers else ["--jobs", str(jobs)]
    cmd = [
        str(Path(sys.executable).with_name("rca")), "batch",
        "--plan", str(plan or parameters_dir() / "monthly.yaml"), "--month", month,
        "--data", str(data), "--out", str(out), "--embedder", embedder, *parallel,
    ]  # fmt: skip
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"rca batch {month} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def timed_batch(data: Path, out: Path, month: str, embedder: str, jobs: int,
                env: dict[str, str], workers: int | None = None) -> dict:  # fmt: skip
    """Time one ``rca batch`` process from start to exit (imports, model load, JIT included)."""
    with PeakMemory() as mem:
        start = time.perf_counter()
        rca_batch(data, out, month, embedder, jobs, env, workers=workers)
        wall = time.perf_counter() - start
    manifest = json.loads((out / month / "manifest.json").read_text())
    analysis = json.loads((out / ".work" / month / "analysis" / "tables.json").read_text())
    reports = manifest["reports"]
    n = len(reports)
    return {
        "wall_s": round(wall, 1),
        "reports": n,
        "failed": sum(r["status"] != "ok" for r in reports),
        "per_report_amortised_s": round(wall / n, 2),
        "analysis_s": analysis["total_s"],
        "reports_phase_s": round(wall - analysis["total_s"], 1),
        "report_s_mean": round(sum(r["seconds"] for r in reports) / n, 2),
        "peak_rss_mb": round(mem.peak / 2**20),
        "by_notebook": dict(Counter(r["notebook"] for r in reports)),
    }


def data_before(data: Path, month: str, out: Path) -> Path:
    """Copy ``data`` keeping only rows dated before ``month`` (last month's exports)."""
    import shutil

    import pandas as pd

    out.mkdir(parents=True)
    for path in data.iterdir():
        kind = path.stem
        if path.suffix == ".csv" and kind in DATE_COLUMNS:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            df[df[DATE_COLUMNS[kind]] < f"{month}-01"].to_csv(out / path.name, index=False)
        else:
            shutil.copy(path, out / path.name)
    return out


def naive_report(data: Path, root: Path, month: str, embedder: str, notebook: str,
                 params: dict, i: int) -> float:  # fmt: skip
    """One report the naive way: own analysis in a fresh process, fresh kernel, export."""
    work = root / f"naive-{i}"
    env = {**os.environ, "RCA_EMBED_CACHE": str(work / "cache")}  # embeds everything itself
    code = (
        "from rca.analysis.month import analyze_month\n"
        f"analyze_month({str(data)!r}, {str(work / 'analysis')!r}, month={month!r}, "
        f"embedder={embedder!r}, verbose=False)\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    params = {**params, "workspace": str(work / "analysis" / "workspace")}
    result = run_report(notebook, params, work / "report")
    if result.status != "ok":
        raise RuntimeError(f"naive {notebook}: {result.reason}")
    return time.perf_counter() - start


def folder_sizes(folder: Path) -> dict[str, int]:
    """Bytes of a month folder's files by kind: html, pdf, deck, other (screenshots aside)."""
    sizes = dict.fromkeys(("html", "pdf", "deck", "other"), 0)
    for path in folder.rglob("*"):
        if path.is_file():
            kind = path.suffix.lstrip(".") if path.suffix in (".html", ".pdf") else "other"
            kind = "deck" if path.name.endswith(".slides.html") else kind
            sizes[kind] += path.stat().st_size
    return sizes


def formats_cost(months: int, embedder: str, jobs: int, agents: int) -> dict:
    """Time ``rca batch`` with the PDFs and decks off and on; size the month folder each way.

    The plan is the shipped one, per-agent reports limited to ``agents`` agents (their PDFs off,
    as shipped); an untimed first batch fills the embedding cache, so both timed runs differ
    only by the formats.
    """
    import pandas as pd
    import yaml

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data"
        month = generate_sample(data, months=months, seed=0).months[-1]
        audits = pd.read_csv(data / "audits.csv", dtype=str)
        chosen = sorted(audits.loc[audits["audit_date"].str.startswith(month), "agent"].unique())
        shipped = yaml.safe_load((parameters_dir() / "monthly.yaml").read_text())
        for entry in shipped["reports"]:
            if entry.get("each") == "agent":
                entry["only"] = chosen[:agents]
        plans = {}
        for name, on in (("html_only", False), ("with_pdfs_and_decks", True)):
            plan = {**shipped, "formats": {"pdf": on, "deck": on, "agent_pdf": False},
                    "curation": str(parameters_dir() / "curation.yaml")}  # fmt: skip
            plans[name] = root / f"{name}.yaml"
            plans[name].write_text(yaml.safe_dump(plan, allow_unicode=True))
        env = {"RCA_EMBED_CACHE": str(root / "cache")}
        print("untimed first batch: fills the embedding cache", file=sys.stderr)
        rca_batch(data, root / "warm-up", month, embedder, jobs, env, plans["html_only"])
        runs = {}
        for name, plan in plans.items():
            print(f"timed batch: {name}", file=sys.stderr, flush=True)
            out = root / name
            start, load = time.perf_counter(), os.getloadavg()
            rca_batch(data, out, month, embedder, jobs, env, plan)
            manifest = json.loads((out / month / "manifest.json").read_text())
            runs[name] = {
                "wall_s": round(time.perf_counter() - start, 1),
                "reports": len(manifest["reports"]),
                "pdfs": sum("pdf" in r.get("files", {}) for r in manifest["reports"]),
                "decks": sum("deck" in r.get("files", {}) for r in manifest["reports"]),
                "bytes": folder_sizes(out / month),
                "loadavg_before": [round(x, 2) for x in load],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            }
    off, on = runs["html_only"], runs["with_pdfs_and_decks"]
    total = {k: sum(r["bytes"].values()) for k, r in runs.items()}
    return {
        "command": "python benchmarks/batch.py --formats " + " ".join(sys.argv[2:]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "months": months, "month": month, "embedder": embedder, "jobs": jobs,
        "agents": agents, **runs,
        "extra_s": round(on["wall_s"] - off["wall_s"], 1),
        "extra_s_per_file": round(
            (on["wall_s"] - off["wall_s"]) / max(on["pdfs"] + on["decks"], 1), 2
        ),
        "size_mb": {k: round(v / 2**20, 1) for k, v in total.items()},
        "note": "timed while other work shared the 2 cores: see the load averages",
    }  # fmt: skip


def scripted_report(workspace: Path, root: Path, notebook: str, params: dict, i: int) -> float:
    """One report as a competent analyst scripts it on an analysed month: the plain command lines.

    ``papermill`` executes the notebook (a fresh kernel) with the report's parameters, then
    ``jupyter nbconvert --to html --no-input`` exports it; both are fresh processes, as in a
    shell loop. No kernel reuse, no slimmed notebook, no shared imports: the tools as installed.
    """
    import nbformat
    import yaml

    from rca.batch.notebook_run import load_notebook

    work = root / f"scripted-{i}"
    work.mkdir(parents=True)
    source, executed = work / f"{notebook}.ipynb", work / f"{notebook}-out.ipynb"
    nbformat.write(load_notebook(notebook), source)  # the py:percent source as a notebook
    values = {**params, "workspace": str(workspace)}
    (work / "params.yaml").write_text(yaml.safe_dump(values, allow_unicode=True))
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    subprocess.run([str(bin_dir / "papermill"), str(source), str(executed), "-f",
                    str(work / "params.yaml"), "--cwd", str(work), "--no-progress-bar"],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                    str(executed)], check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def scripted_baseline(data: Path, root: Path, month: str, embedder: str, jobs: int,
                      run_all: bool) -> dict:  # fmt: skip
    """The fair baseline: ``rca analyze`` once, then papermill + nbconvert per report.

    Reports run ``jobs`` at a time (``xargs -P``). By default one report of each notebook is run
    and the rest extrapolated from its time (``run_all``: every report).
    """
    from concurrent.futures import ThreadPoolExecutor

    analysis = root / "scripted-analysis"
    env = {**os.environ, "RCA_EMBED_CACHE": str(root / "scripted-cache")}
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("rca")), "analyze", "--data", str(data),
                    "--out", str(analysis), "--month", month, "--embedder", embedder],
                   check=True, capture_output=True, env=env)  # fmt: skip
    analyse_s = time.perf_counter() - start
    ws = Workspace(analysis / "workspace")
    planned = expand_plan(load_plan(parameters_dir() / "monthly.yaml"), ws.audits(), month, ws.path)
    counts = Counter(p.notebook for p in planned)
    chosen = planned if run_all else list({p.notebook: p for p in planned}.values())
    with ThreadPoolExecutor(jobs) as pool:
        seconds = list(pool.map(lambda ip: scripted_report(ws.path, root, ip[1].notebook,
                                                           ip[1].parameters, ip[0]),
                                enumerate(chosen)))  # fmt: skip
    per: dict[str, list[float]] = {}
    for p, s in zip(chosen, seconds, strict=True):
        per.setdefault(p.notebook, []).append(s)
    per_notebook = {k: sum(v) / len(v) for k, v in per.items()}
    reports_s = sum(per_notebook[k] * n for k, n in counts.items()) / jobs
    return {
        "analyse_s": round(analyse_s, 1),
        "reports": len(planned),
        "measured_reports": len(chosen),
        "extrapolated": not run_all,
        "per_notebook_s": {k: round(v, 1) for k, v in per_notebook.items()},
        "reports_s": round(reports_s, 1),
        "wall_s": round(analyse_s + reports_s, 1),
        "jobs": jobs,
    }


def dask_workers(data: Path, root: Path, month: str, embedder: str, env: dict[str, str],
                 workers: tuple[int, ...] = (1, 2)) -> dict:  # fmt: skip
    """``rca batch --workers N`` for each N, same data and embedding cache; the 1-vs-N ratios."""
    runs = {}
    for n in workers:
        print(f"rca batch --workers {n}", file=sys.stderr, flush=True)
        runs[str(n)] = timed_batch(data, root / f"out-dask-{n}", month, embedder, n, env, n)
        runs[str(n)]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    first = runs[str(workers[0])]
    for n in workers[1:]:
        runs[f"speedup_{n}_vs_{workers[0]}"] = round(first["wall_s"] / runs[str(n)]["wall_s"], 2)
        runs[f"reports_phase_speedup_{n}_vs_{workers[0]}"] = round(
            first["reports_phase_s"] / runs[str(n)]["reports_phase_s"], 2
        )
    return runs


def dask_section(args: argparse.Namespace, root: Path, data: Path, month: str) -> dict:
    """The batch on local Dask clusters of 1 and 2 workers, and the scripted baseline."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    env = {"RCA_EMBED_CACHE": str(root / "dask-cache")}
    print("local batch (fills the dask runs' embedding cache)", file=sys.stderr, flush=True)
    local = timed_batch(data, root / "out-dask-local", month, args.embedder, args.jobs, env)
    runs = dask_workers(data, root, month, args.embedder, env)
    print("scripted baseline: rca analyze + papermill + nbconvert", file=sys.stderr, flush=True)
    scripted = scripted_baseline(data, root, month, args.embedder, args.jobs, args.naive_all)
    return {
        "load_avg_before": load_before,
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "note": "measured while other work shared the machine's cores (load averages beside)",
        "batch_local_first_run": local,
        "dask": runs,
        "scripted": scripted,
        "speedup_vs_scripted_first_run": round(scripted["wall_s"] / local["wall_s"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-all", action="store_true", help="run every naive report")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--formats",
        action="store_true",
        help="only measure the PDFs' and decks' cost (batch_formats.json)",
    )
    parser.add_argument("--agents", type=int, default=5, help="with --formats: agent reports")
    parser.add_argument(
        "--dask-only",
        action="store_true",
        help="only the Dask workers and scripted baseline (batch_dask.json)",
    )
    args = parser.parse_args()
    if args.dask_only:
        return dask_only(args)
    if args.formats:
        results = formats_cost(args.months, args.embedder, args.jobs, args.agents)
        out = RESULTS.with_name("batch_formats.json") if args.out == RESULTS else args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps({k: results[k] for k in ("html_only", "with_pdfs_and_decks", "extra_s",
                                                  "size_mb")}, indent=1))  # fmt: skip
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data"
        summary = generate_sample(data, months=args.months, seed=0)
        month, last = summary.months[-1], summary.months[-2]
        monthly = {"RCA_EMBED_CACHE": str(root / "monthly-cache")}
        print(f"last month's batch ({last}), untimed: fills the cache", file=sys.stderr)
        earlier = data_before(data, month, root / "data-before")
        rca_batch(earlier, root / "out-before", last, args.embedder, args.jobs, monthly)
        print(f"new month ({month}): earlier months' embeddings cached", file=sys.stderr)
        new_month = timed_batch(data, root / "out-new", month, args.embedder, args.jobs, monthly)
        print(f"first run: empty embedding cache ({args.embedder}, {args.jobs} jobs)",
              file=sys.stderr)  # fmt: skip
        first = {"RCA_EMBED_CACHE": str(root / "batch-cache")}
        cold = timed_batch(data, root / "out", month, args.embedder, args.jobs, first)
        print("first run without make install's numba warm-up (empty numba cache too)",
              file=sys.stderr)  # fmt: skip
        bare = {"RCA_EMBED_CACHE": str(root / "bare-cache"), "NUMBA_CACHE_DIR": str(root / "nb")}
        cold_jit = timed_batch(data, root / "out-bare", month, args.embedder, args.jobs, bare)
        print("batch again, embeddings cached", file=sys.stderr)
        warm = timed_batch(data, root / "out", month, args.embedder, args.jobs, first)

        ws = Workspace(root / "out" / ".work" / month / "analysis" / "workspace")
        planned = expand_plan(
            load_plan(parameters_dir() / "monthly.yaml"), ws.audits(), month, ws.path
        )
        counts = Counter(p.notebook for p in planned)
        chosen = planned if args.naive_all else list({p.notebook: p for p in planned}.values())
        seconds: dict[str, list[float]] = {}
        with PeakMemory() as mem:
            for i, p in enumerate(chosen):
                s = naive_report(data, root, month, args.embedder, p.notebook, p.parameters, i)
                seconds.setdefault(p.notebook, []).append(s)
                print(f"naive {p.notebook}: {s:.1f} s", file=sys.stderr, flush=True)
        dask_and_scripted = dask_section(args, root, data, month)
    per_notebook = {k: sum(v) / len(v) for k, v in seconds.items()}
    naive_total = sum(per_notebook[k] * n for k, n in counts.items())
    naive = {
        "reports": sum(counts.values()),
        "measured_reports": sum(len(v) for v in seconds.values()),
        "extrapolated": not args.naive_all,
        "per_notebook_s": {k: round(v, 1) for k, v in per_notebook.items()},
        "wall_s": round(naive_total, 1),
        "per_report_s": round(naive_total / sum(counts.values()), 1),
        "peak_rss_mb": round(mem.peak / 2**20),
    }
    results = {
        "command": "python benchmarks/batch.py " + " ".join(sys.argv[1:]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "months": args.months,
        "month": month,
        "embedder": args.embedder,
        "jobs": args.jobs,
        "batch_cold": cold,
        "batch_cold_no_jit_cache": cold_jit,
        "batch_new_month": new_month,
        "batch_warm": warm,
        "naive": naive,
        "dask_and_scripted": dask_and_scripted,
        "speedup_cold": round(naive_total / cold["wall_s"], 1),
        "speedup_cold_no_jit_cache": round(naive_total / cold_jit["wall_s"], 1),
        "speedup_new_month": round(naive_total / new_month["wall_s"], 1),
        "speedup_warm": round(naive_total / warm["wall_s"], 1),
        "targets": {"speedup_min": 5.0, "per_report_amortised_max_s": 4.0},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\n{'':22}{'wall s':>9}{'reports':>9}{'s/report':>10}{'peak MB':>9}")
    rows = (("batch (first run)", cold), ("batch (first, no JIT)", cold_jit),
            ("batch (new month)", new_month), ("batch (re-run month)", warm))  # fmt: skip
    for name, r in rows:
        print(f"{name:22}{r['wall_s']:>9.1f}{r['reports']:>9}"
              f"{r['per_report_amortised_s']:>10.2f}{r['peak_rss_mb']:>9}")  # fmt: skip
    label = "naive (extrapolated)" if naive["extrapolated"] else "naive"
    print(f"{label:22}{naive['wall_s']:>9.1f}{naive['reports']:>9}"
          f"{naive['per_report_s']:>10.1f}{naive['peak_rss_mb']:>9}")  # fmt: skip
    print(
        f"speed-up: {results['speedup_cold']}x (first run), "
        f"{results['speedup_new_month']}x (new month), {results['speedup_warm']}x (re-run)"
    )
    print(f"wrote {args.out}")


def dask_only(args: argparse.Namespace) -> None:
    """Run `dask_section` alone on a fresh sample; write ``batch_dask.json`` beside the results."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        summary = generate_sample(root / "data", months=args.months, seed=0)
        month = summary.months[-1]
        section = dask_section(args, root, root / "data", month)
    results = {
        "command": "python benchmarks/batch.py " + " ".join(sys.argv[1:]),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "months": args.months, "month": month, "embedder": args.embedder, "jobs": args.jobs,
        **section,
    }  # fmt: skip
    out = args.out if args.out != RESULTS else RESULTS.with_name("batch_dask.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
