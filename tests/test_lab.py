"""The explore notebook in a real JupyterLab, as analysts use it: headless, offline, in Chromium.

The test starts JupyterLab from its own environment (`LAB_ENV`: JupyterLab is kept out of the
project's environment, its extensions slow every kernel's imports) with a kernel of the project's
environment, opens the explore notebook, runs it, changes a filter in the parameters cell and runs
all cells again in the same kernel, renames a theme and pins its cause through the widgets, and
saves. The curation file must then hold the edits, and the next analysis must show the new name.
Every request the browser makes to a host other than the lab server is blocked and fails the test.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

#: The JupyterLab environment (``make lab-env`` creates it); ``RCA_LAB_ENV`` points elsewhere.
LAB_ENV = Path(os.environ.get("RCA_LAB_ENV", ROOT / ".venv-lab"))
JUPYTER_LAB = LAB_ENV / "bin" / "jupyter-lab"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebook,
    pytest.mark.skipif(
        not JUPYTER_LAB.exists(),
        reason=f"no JupyterLab test environment at {LAB_ENV} (create it: make lab-env)",
    ),
]
KERNEL = "rca-test"
NEW_NAME = "Renamed in JupyterLab"
#: Lab settings for a quiet offline run: every cell in the page (no windowing, so the test sees
#: every prompt), no news or update checks, no extension manager (it asks PyPI).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}  # fmt: skip


@dataclass
class Lab:
    """A running JupyterLab server: its address, token, root folder and browser's requests."""

    url: str
    token: str
    root: Path
    blocked: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_kernelspec(base: Path, env: dict[str, str]) -> None:
    """A kernelspec running this interpreter (the project's environment) with ``env``."""
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "rca (tests)", "language": "python", "env": env}
    (spec / "kernel.json").write_text(json.dumps(kernel))


def _wait_for_server(url: str, token: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"JupyterLab did not answer in 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab from `LAB_ENV` on a free port with a token, rooted in a temp folder."""
    base = tmp_path_factory.mktemp("lab")
    root, data, settings = base / "root", base / "jupyter-data", base / "settings"
    root.mkdir()
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    kernel_env = {
        key: os.environ[key]
        for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM",
                    "MPLBACKEND", "RCA_EMBED_CACHE")
        if key in os.environ
    } | {"PYTHONPATH": str(ROOT)}  # fmt: skip
    _write_kernelspec(data, kernel_env)
    unreachable = "http://127.0.0.1:9"  # the server itself never reaches the internet either
    env = os.environ | {
        "JUPYTER_PATH": str(data), "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"), "JUPYTER_NO_CONFIG": "1",
        "HTTP_PROXY": unreachable, "HTTPS_PROXY": unreachable, "NO_PROXY": "127.0.0.1,localhost",
    }  # fmt: skip
    env.pop("PYTHONPATH", None)  # the server runs JupyterLab's environment as installed
    port, token = _free_port(), secrets.token_hex(16)
    log = base / "lab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(JUPYTER_LAB), "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=base,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, token, proc, log)
        yield Lab(url, token, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def write_explore_notebook(root: Path) -> Path:
    """notebooks/explore.py as ``root/explore.ipynb``, as `rca.batch` reads it (jupytext)."""
    import nbformat

    from rca.batch.notebook_run import load_notebook

    nb = load_notebook("explore")
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "rca (tests)",
                                 "language": "python"}  # fmt: skip
    path = root / "explore.ipynb"
    nbformat.write(nb, path)
    return path


def parameters_source(values: dict[str, Any]) -> str:
    """The explore notebook's parameters cell with ``values`` (every declared name)."""
    from rca.batch.parameters import NOTEBOOK_PARAMS

    return "\n".join(
        f"{p.name} = {values.get(p.name, p.default)!r}" for p in NOTEBOOK_PARAMS["explore"]
    )


# -- driving JupyterLab ----------------------------------------------------------------------

_PROMPTS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
  .map(p => p.innerText.trim())"""
_ERRORS = """() => [...document.querySelectorAll(
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => e.innerText).filter(t => /Error|Traceback/.test(t))"""


def _counts(page: Any) -> list[int | None]:
    found = [re.fullmatch(r"\[(\d+)\]:", p) for p in page.evaluate(_PROMPTS)]
    return [int(m.group(1)) if m else None for m in found]


def run_all(page: Any, timeout: float = 90) -> None:
    """Run > Run All Cells; wait until every code cell ran again; fail on any error output."""
    prompts = page.evaluate(_PROMPTS)
    last = max((c for c in _counts(page) if c is not None), default=0)
    for _attempt in range(3):  # a click while the page settles can miss: nothing runs then
        page.locator("#jp-MainMenu .lm-MenuBar-item", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        started = time.monotonic() + 5
        while page.evaluate(_PROMPTS) == prompts and time.monotonic() < started:
            page.wait_for_timeout(200)
        if page.evaluate(_PROMPTS) != prompts:
            break
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        errors = page.evaluate(_ERRORS)
        assert not errors, errors[0][-2000:]
        counts = _counts(page)
        if counts and all(c is not None and c > last for c in counts):
            return
        page.wait_for_timeout(300)
    raise AssertionError(f"Run All did not finish in {timeout} s: prompts {_counts(page)}")


def set_parameters(page: Any, source: str) -> None:
    """Replace the parameters cell's text (the second cell) as an analyst types it."""
    editor = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)  # no auto-closed quotes or brackets
    page.keyboard.press("Escape")


def widget(page: Any, kind: str, label: str) -> Any:
    """The ipywidgets control of ``kind`` (``dropdown``, ``text``) described by ``label``."""
    box = page.locator(f".widget-{kind}").filter(has=page.locator(f'label:text-is("{label}")'))
    return box.locator("select" if kind == "dropdown" else "input").first


def press(page: Any, name: str, wait_for: str) -> None:
    """Click the explorer's button ``name``; wait until its status message shows ``wait_for``."""
    page.get_by_role("button", name=name, exact=True).click()
    page.locator(".widget-html", has_text=wait_for).first.wait_for(timeout=60_000)


# -- what the next run shows -----------------------------------------------------------------


def theme_ids_named(workspace: Path, name: str) -> list[int]:
    """Theme ids that carry ``name`` in a workspace's audit themes (the next run's names).

    The test compares it with the renamed theme's registry id (the same id before and after:
    names attach to registry ids).
    """
    from rca.analysis.workspace import Workspace

    themes = Workspace(workspace).themes()
    return [int(t) for t in themes.loc[themes["theme_label"] == name, "theme_id"]]


def test_explore_in_jupyterlab_rerun_curate_save(lab, sample_analysis, tmp_path):
    from playwright.sync_api import sync_playwright

    from rca.analysis.prepare import prepare_workspace
    from rca.batch.browser_check import CHROMIUM_FLAGS, find_chromium
    from rca.batch.notebook_run import run_report
    from rca.themes.causes import load_taxonomy
    from rca.themes.curation_file import load_curation

    workspace = sample_analysis.path / "workspace"
    curation = tmp_path / "curation.yaml"
    path = write_explore_notebook(lab.root)
    values = {"workspace": str(workspace), "market": "PH", "top_n": 5,
              "curation": str(curation), "save_curation": True}  # fmt: skip
    host = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")

    def route(r: Any) -> None:
        if host.match(r.request.url) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            lab.blocked.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(CHROMIUM_FLAGS))
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.route("**/*", route)
            page.goto(f"{lab.url}/lab/tree/{path.name}?token={lab.token}")
            page.locator(".jp-Notebook .jp-Cell").nth(2).wait_for(timeout=60_000)
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
                timeout=60_000
            )
            set_parameters(page, parameters_source(values))
            run_all(page)
            heading = page.locator(".jp-Notebook .jp-Cell").nth(3)
            assert "Themes in audit comments · 2026-10 · PH" in heading.inner_text()

            set_parameters(page, parameters_source(values | {"market": "US"}))
            run_all(page)  # the same kernel: the second Run All keeps the new parameters
            assert "Themes in audit comments · 2026-10 · US" in heading.inner_text()
            assert "· PH" not in heading.inner_text()

            chosen = widget(page, "dropdown", "Theme")
            chosen.wait_for(timeout=60_000)
            label = chosen.input_value()  # the option's value: its text with plain spaces
            theme_id = int(label.rsplit("id ", 1)[1])
            themes = sample_analysis.workspace.themes().set_index("theme_id")
            cause = next(c for c in load_taxonomy() if c.id != themes.loc[theme_id, "root_cause"])
            widget(page, "text", "Rename to").fill(NEW_NAME)
            press(page, "Rename", "Renamed (not saved yet).")
            widget(page, "dropdown", "Cause").select_option(value=f"{cause.id} · {cause.name}")
            press(page, "Pin cause", "Cause pinned (not saved yet).")
            press(page, "Save curation", f"Saved to {curation}; the next batch applies it.")
            page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()
            page.keyboard.press("Control+s")  # File > Save: the edited parameters and outputs
            deadline = time.monotonic() + 30
            while "market = 'US'" not in path.read_text() and time.monotonic() < deadline:
                page.wait_for_timeout(200)
        finally:
            browser.close()
    assert not lab.blocked, f"the page asked for other hosts: {lab.blocked[:5]}"

    saved = json.loads(path.read_text())  # the notebook as saved: both runs' outputs, no error
    outputs = [o for c in saved["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs and not [o for o in outputs if o["output_type"] == "error"]
    assert "market = 'US'" in "".join(saved["cells"][1]["source"])

    edits = load_curation(curation)
    assert list(edits.renames.values()) == [NEW_NAME], edits
    assert list(edits.pins.values()) == [cause.id] and set(edits.pins) == set(edits.renames)

    # The next run's theming step (the part of `analyze_month` / `rca batch` that applies the
    # curation file) on the same data, then the explore report on its workspace.
    data = sample_analysis.path.parent / "data"
    following = prepare_workspace(
        data, tmp_path / "next", embedder="fake", curation=curation, verbose=False
    )
    next_ws = following.path
    # names attach to registry ids: the explorer saved them under the theme's id, and the next
    # run shows the name on that same id
    assert set(edits.renames) == {f"theme:{theme_id}"}, edits
    assert theme_ids_named(next_ws, NEW_NAME) == [theme_id]
    next_themes = following.themes().set_index("theme_label")
    assert next_themes.loc[NEW_NAME, "root_cause"] == cause.id
    assert bool(next_themes.loc[NEW_NAME, "pinned"])
    report = run_report("explore", {"workspace": str(next_ws)}, tmp_path / "report")
    assert report.status == "ok", report.reason
    assert report.html is not None and NEW_NAME in report.html.read_text()
