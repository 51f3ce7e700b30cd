"""Sheets: reading uploads with a budget (``workbooks``, ``xlsx_rows``), keeping parsed uploads
between preview and confirm (``uploads``), importing (``imports``), exporting (``exports``) and
the one formula-safe writer every sheet and CSV goes through (``writer``)."""
