"""TextEmbedder.transform equals scikit-learn's TF-IDF and LSA steps, bit for bit."""

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
    assert got.dtype == np.float32 and np.array_equal(got, expected)
    assert np.array_equal(np.vstack([embedder.transform([d]) for d in docs]), got)
