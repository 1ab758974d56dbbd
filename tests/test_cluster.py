from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

from rca.themes.clustering import exact_knn

# 300 distinct rows, and 12 copies of one row orthogonal to all of them: in the neighbour graph
# the copies form a component of their own whose graph is complete, the case where ARPACK
# restarts from a random vector during UMAP's spectral initialisation.
DATA = """
import numpy as np
rng = np.random.default_rng(0)
x = np.zeros((312, 32), np.float32)
x[:300, :16] = rng.standard_normal((300, 16))
x[300:, 16:] = rng.standard_normal(16)
"""


def test_same_seed_same_layout_in_fresh_processes_with_a_group_of_identical_rows():
    code = DATA + textwrap.dedent(
        """
        import hashlib
        from rca.themes.clustering import reduce_dimensions
        print(hashlib.sha256(reduce_dimensions(x, random_state=0).tobytes()).hexdigest())
        """
    )
    # two processes side by side: before the fix they disagreed on every run
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outs[0] == outs[1]


def test_exact_knn_puts_each_row_first_and_sorts_by_distance():
    x = np.random.default_rng(1).standard_normal((50, 8)).astype(np.float32)
    idx, dist = exact_knn(x, 5, chunk=16)
    np.testing.assert_array_equal(idx[:, 0], np.arange(50))
    assert (np.diff(dist, axis=1) >= 0).all()
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    brute = np.argsort(-(unit @ unit.T), axis=1, kind="stable")[:, :5]
    np.testing.assert_array_equal(np.sort(idx[:, 1:], axis=1), np.sort(brute[:, 1:], axis=1))


def test_umap_kernels_are_cached_by_numba():
    import umap.layouts

    from rca.themes.clustering import _cache_umap_kernels

    assert _cache_umap_kernels() > 0
    kernel = umap.layouts._nb_optimize_layout_euclidean_single_epoch
    assert type(kernel._cache).__name__ != "NullCache"
