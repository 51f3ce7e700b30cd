"""统一社会信用代码 (GB 32100-2015) checks. Pure functions."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
#: Second character of codes registered by 民政 (first character 5).
CIVIL_AFFAIRS_FORMS = {"1": "社会团体", "2": "社会服务机构", "3": "基金会", "9": "其他"}


def normalise(code: str) -> str:
    """Upper-case, strip spaces, turn full-width characters into half-width."""
    out = []
    for ch in code.strip():
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        if not ch.isspace():
            out.append(ch.upper())
    return "".join(out)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (all from ``CHARSET``)."""
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str) -> str | None:
    """Return a Chinese error message for an invalid code, or None when it is valid."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位。"
    bad = sorted({c for c in code if c not in _VALUES})
    if bad:
        return f"统一社会信用代码含有无效字符：{'、'.join(bad)}（不使用 I、O、S、V、Z）。"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对。"
    return None


def legal_form_warning(code: str, legal_form: str | None) -> str | None:
    """Warn when a 民政 code's category character disagrees with the declared legal form."""
    if not legal_form or not code.startswith("5") or len(code) < 2:
        return None
    implied = CIVIL_AFFAIRS_FORMS.get(code[1])
    if implied and implied != "其他" and implied != legal_form:
        return f"信用代码第 2 位表示“{implied}”，与填写的组织形式“{legal_form}”不一致。"
    return None
