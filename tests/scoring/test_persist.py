"""A saved text model scores exactly like the fitted one, settings included."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from matchmaker.scoring import persist
from matchmaker.scoring.text import TextEmbedder

DOCS = ["拉萨市城关区乡村教师培训", "日喀则市先天性心脏病患儿救治", "喀什地区疏附县村医培训",
        "阿里地区冬季御寒物资", "和田地区于田县防沙治沙", "昌都市卡若区学校食堂改造"] * 3


@pytest.mark.parametrize("drop_places", [True, False])
def test_a_loaded_model_keeps_its_settings_and_vectors(drop_places):
    fitted = TextEmbedder(drop_places=drop_places, exact_limit=5).fit(DOCS)
    loaded = persist.load(persist.dump(fitted))
    assert loaded.drop_places is drop_places and loaded.exact_limit == 5
    probe = ["拉萨市教师培训项目", "山南市乡村医生培训"]
    np.testing.assert_allclose(loaded.transform(probe), fitted.transform(probe), atol=1e-6)


def test_a_model_saved_before_format_2_is_refused():
    data = persist.dump(TextEmbedder().fit(DOCS))
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    params = json.loads(arrays["params"].tobytes().decode())
    params["format"] = 1
    arrays["params"] = np.frombuffer(json.dumps(params).encode(), dtype=np.uint8)
    out = io.BytesIO()
    np.savez_compressed(out, **arrays)
    with pytest.raises(ValueError, match="format"):
        persist.load(out.getvalue())
