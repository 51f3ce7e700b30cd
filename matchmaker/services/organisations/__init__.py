"""Organisations: creation and look-ups (``directory``), vetting status changes (``vetting``),
非法社会组织 lists (``blacklist``), screening against them (``screening``, ``namematch``) and
统一社会信用代码 checks (``uscc``)."""
