"""Check built reports at phone width: nothing wider than the page, charts readable.

Managers open the mailed reports on phones. `check_phone_layout` opens every page already checked
by `rca.batch.browser_check.check_reports` again in a phone-sized, touch, offline Chromium page
(`PHONE`: 390 x 844 CSS pixels, device scale 2), saves a full-page screenshot beside the desktop
one (``<name>.phone.png``) and adds to the page's problems, each naming the element at fault:

- no ``<meta name="viewport" content="width=device-width...">`` (a phone would shrink the page);
- the document wider than the viewport (the reader would have to pan the whole page);
- a chart, image or ``pre`` whose right edge goes past the viewport, or a table that does, unless
  it sits in its own horizontally scrolling box that fits (a wide table may scroll inside it);
- inside a chart: its title, axis titles or legend cut off by the chart's edge, the legend over
  the plotting area, or the chart toolbar over the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

__all__ = ["PHONE", "check_phone_layout", "phone_problems"]


class _Checked(Protocol):
    """What the phone check needs of `rca.batch.browser_check.PageCheck` (no import: a cycle)."""

    path: Path
    problems: list[str]


#: The phone the reports are checked on (Playwright context options): a 390-pixel-wide touch screen.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Runs in the page. Returns the viewport and document widths and the elements at fault, each
# described so a reader of the problem list can find it (tag, id or class, first words).
_MEASURE = """() => {
  const vw = document.documentElement.clientWidth, slack = 1;
  const words = t => (t || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  const visible = e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && Number(s.opacity) > 0;
  };
  const name = e => {
    let n = e.tagName.toLowerCase();
    if (e.id) n += '#' + e.id;
    else if (typeof e.className === 'string' && e.className.trim())
      n += '.' + e.className.trim().split(/\\s+/)[0];
    const head = e.tagName === 'TABLE' ? e.querySelector('th, td') : null;
    const text = words(head ? head.innerText : e.innerText);
    return text ? n + ' "' + text + '"' : n;
  };
  const scrollBox = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return p;
    }
    return null;
  };
  const wide = [];
  for (const e of document.querySelectorAll('svg.main-svg, table, img, pre, video, canvas')) {
    if (!visible(e) || e.closest('.modebar')) continue;
    const r = e.getBoundingClientRect();  // and text running out of its box (a pre)
    const spill = getComputedStyle(e).overflowX === 'visible' ? r.left + (e.scrollWidth || 0) : 0;
    const right = Math.max(r.right, spill);
    if (right <= vw + slack) continue;
    const box = e.tagName === 'TABLE' ? scrollBox(e) : null;
    if (box && box.getBoundingClientRect().right <= vw + slack) continue;
    const plot = e.closest('.js-plotly-plot');
    wide.push({what: plot ? 'chart ' + name(plot) : name(e), right: Math.round(right)});
  }
  const charts = [...document.querySelectorAll('.js-plotly-plot')].map((plot, i) => {
    const svg = plot.querySelector('svg.main-svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    const title = plot.querySelector('.gtitle');
    const cut = [];
    const parts = [['title', '.gtitle'], ['x-axis title', '.g-xtitle'],
                   ['y-axis title', '.g-ytitle'], ['legend', '.legend']];
    for (const [label, sel] of parts) {
      for (const el of plot.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        if (!box || r.width === 0) continue;
        if (r.left < box.left - slack || r.right > box.right + slack) cut.push(label);
      }
    }
    const meet = (a, b, min) => {
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      return w > min && h > min;
    };
    const legend = plot.querySelector('.legend');
    const area = plot.querySelector('.draglayer .nsewdrag');
    const over = legend && area && meet(legend.getBoundingClientRect(),
                                         area.getBoundingClientRect(), 4);
    const bar = plot.querySelector('.modebar');
    const covered = bar && title && visible(bar) &&
      meet(bar.getBoundingClientRect(), title.getBoundingClientRect(), 0);
    const lines = title ? [...title.querySelectorAll('tspan.line')] : [];
    const text = lines.length ? lines.map(l => l.textContent).join(' ')
                              : title && title.textContent;
    return {n: i + 1, title: words(text), cut, legendOver: !!over,
            toolbarOverTitle: !!covered};
  });
  const meta = document.querySelector('meta[name="viewport"]');
  return {
    viewport: vw, scrollWidth: document.documentElement.scrollWidth, wide, charts,
    meta: !!meta && /width\\s*=\\s*device-width/.test(meta.getAttribute('content') || ''),
  };
}"""


def phone_problems(seen: dict[str, Any]) -> list[str]:
    """Turn what `_MEASURE` saw in a page into problem sentences (empty when the page fits).

    Parameters
    ----------
    seen
        The page's measurements: ``viewport``, ``scrollWidth``, ``meta``, ``wide`` (elements
        past the viewport's right edge) and ``charts`` (per chart: parts cut off, legend over
        the plot, toolbar over the title).

    Returns
    -------
    list of str
        One sentence per problem, each starting with ``phone:`` and naming the element.
    """
    vw = seen["viewport"]
    out = []
    if not seen["meta"]:
        out.append('phone: no <meta name="viewport" content="width=device-width"> tag')
    if seen["scrollWidth"] > vw + 1:
        out.append(f"phone: page is {seen['scrollWidth']} px wide in a {vw} px viewport")
    for e in seen["wide"]:
        out.append(f"phone: {e['what']} reaches {e['right']} px, past the {vw} px viewport")
    for c in seen["charts"]:
        chart = f'chart {c["n"]} "{c["title"]}"' if c["title"] else f"chart {c['n']}"
        for part in dict.fromkeys(c["cut"]):
            out.append(f"phone: {chart}: {part} cut off at the chart's edge")
        if c["legendOver"]:
            out.append(f"phone: {chart}: legend covers the plot")
        if c["toolbarOverTitle"]:
            out.append(f"phone: {chart}: toolbar covers the title")
    return out


def check_phone_layout(
    browser: Any, checks: Sequence[_Checked], month_dir: Path, shots: Path | None
) -> None:
    """Open each checked page at phone width, screenshot it and add its layout problems.

    Parameters
    ----------
    browser
        A launched Playwright Chromium browser (closed by the caller).
    checks
        The pages' `rca.batch.browser_check.PageCheck` results; phone problems are appended to
        each one's ``problems`` (so a page too wide for a phone fails the check).
    month_dir
        The folder the pages are in (screenshots are named by their path inside it).
    shots
        Screenshot folder, or ``None`` for none; each page's is ``<name>.phone.png``.
    """
    context = browser.new_context(offline=True, **PHONE)
    try:
        for check in checks:
            page = context.new_page()
            try:
                page.goto(check.path.resolve().as_uri(), wait_until="load")
                page.wait_for_timeout(300)  # plotly draws (and resizes) right after load
                check.problems.extend(phone_problems(page.evaluate(_MEASURE)))
                if shots is not None:
                    stem = "__".join(check.path.relative_to(month_dir).with_suffix("").parts)
                    page.screenshot(path=str(shots / f"{stem}.phone.png"), full_page=True)
            finally:
                page.close()
    finally:
        context.close()
