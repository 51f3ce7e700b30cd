"""Reporting: dashboard figures (``dashboard``), gaps (``gaps``), the tile map (``tilemap``),
表彰 (``honours``) over confirmed figures only (``counted``), downloads (``downloads``), IATI
(``iati``) and each role's home page figures (``overview``)."""
