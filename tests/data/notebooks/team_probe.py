# %% [markdown]
# Test notebook for the monthly batch: prints its team and the month's audit count for it.

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
team = None
counter = None

# %%
from pathlib import Path

from rca.analysis.workspace import Workspace

if counter:
    with Path(counter).open("a") as fh:
        fh.write(f"{team}\n")
audits = Workspace(workspace).audits()
print(f"team={team} month={month} audits={int((audits['team'] == team).sum())}")
