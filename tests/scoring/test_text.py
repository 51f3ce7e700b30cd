"""TextEmbedder.transform equals scikit-learn's TF-IDF and LSA steps (to a float32 ulp), and a
loaded model transforms without importing scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from matchmaker.scoring.text import TextEmbedder

WORDS = ["乡村教师培训", "基层医生进修", "牧区饮水工程", "校舍维修", "远程医疗设备", "图书室建设",
         "幼儿园教师", "职业技能", "农牧民合作社", "先天性心脏病救治"]
DOCS = [f"{WORDS[k % 10]}{WORDS[(k * 3) % 10]}第{k}期" for k in range(300)]


@pytest.mark.parametrize("tokens", ["char", "both"])
@pytest.mark.parametrize("exact_limit", [0, 10**9])  # LSA, and exact TF-IDF rows
def test_transform_equals_the_scikit_learn_steps(tokens, exact_limit):
    embedder = TextEmbedder(tokens, n_components=16, exact_limit=exact_limit).fit(DOCS)
    docs = [*DOCS[:50], "", "牦牛良种", "abc 教师"]
    tfidf = embedder.tfidf_.transform(embedder._counts(docs, fit=False))
    if embedder.svd_ is not None:
        expected = normalize(embedder.svd_.transform(tfidf)).astype(np.float32)
    else:
        expected = tfidf.toarray().astype(np.float32)
    assert (embedder.svd_ is None) == (exact_limit > 0)
    got = embedder.transform(docs)
    # Rows are normalised by our own code (no scikit-learn at transform time): the same
    # values up to the order of the float64 sums, i.e. within a float32 ulp or two.
    assert got.dtype == np.float32 and np.allclose(got, expected, rtol=0, atol=3e-7)
    assert np.array_equal(np.vstack([embedder.transform([d]) for d in docs]), got)


def test_a_loaded_model_transforms_without_scikit_learn(tmp_path):
    """Every web worker, RQ worker and ``flask rank`` loads the persisted model: importing
    scikit-learn for it cost ~0.7 s CPU at each start. The vectors are the fitted model's."""
    import subprocess
    import sys

    from matchmaker.scoring import persist

    embedder = TextEmbedder("char", n_components=16, exact_limit=0).fit(DOCS)
    (tmp_path / "model.npz").write_bytes(persist.dump(embedder))
    np.save(tmp_path / "expected.npy", embedder.transform(DOCS[:20]))
    code = (
        "import sys, numpy as np\n"
        "from matchmaker.scoring import persist\n"
        f"model = persist.load(open({str(tmp_path / 'model.npz')!r}, 'rb').read())\n"
        f"got = model.transform({DOCS[:20]!r})\n"
        f"assert np.array_equal(got, np.load({str(tmp_path / 'expected.npy')!r}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('sklearn')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603
                         check=True).stdout
    assert out.strip() == "[]"
