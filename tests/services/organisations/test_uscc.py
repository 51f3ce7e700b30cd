"""统一社会信用代码 check (GB 32100-2015)."""

import pytest

from matchmaker.services.organisations import uscc


@pytest.mark.parametrize("code", ["53100000500019795A", "51100000500002862F", "53100000500021676K"])
def test_published_codes_are_valid(code):
    assert uscc.validate(code) is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("53100000500019795B", "校验位"),
        ("5310000050001979", "18 位"),
        ("53100000500019795I", "无效字符"),
    ],
)
def test_invalid_codes_are_explained(code, message):
    assert message in uscc.validate(code)


def test_full_width_input_is_normalised():
    assert uscc.normalise(" ５３１０００００５０００１９７９５ａ ") == "53100000500019795A"


def test_legal_form_mismatch_is_a_warning():
    assert uscc.legal_form_warning("53100000500019795A", "社会团体")
    assert uscc.legal_form_warning("53100000500019795A", "基金会") is None
