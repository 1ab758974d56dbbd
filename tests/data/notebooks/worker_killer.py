# %% [markdown]
# Test notebook for the batch on a Dask cluster: on its first attempt (an empty `counter` file) it
# kills the process that started its kernel, i.e. the Dask worker running it, mid-batch; the
# scheduler must then run it again elsewhere. Later attempts finish normally.

# %% tags=["parameters"]
workspace = ""
month = None
min_n = 30
counter = None

# %%
import os
import signal
import time
from pathlib import Path

path = Path(counter)
first = not path.exists() or not path.read_text()
with path.open("a") as fh:
    fh.write("attempt\n")
if first:
    os.kill(os.getppid(), signal.SIGKILL)  # the worker process; this kernel then exits too
    time.sleep(60)
print(f"finished for {month}")
