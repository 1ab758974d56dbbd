# %% [markdown]
# Test notebook for the monthly batch: fails on purpose. `mode="raise"` is a genuine cell error
# (never retried); `mode="kill"` kills the kernel (a kernel death, retried). Each attempt appends
# a line to `counter`.

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
counter = None
mode = "raise"

# %%
import os
from pathlib import Path

if counter:
    with Path(counter).open("a") as fh:
        fh.write("attempt\n")
if mode == "kill":
    os.kill(os.getpid(), 9)
raise ValueError(f"planted failure for {month}")
