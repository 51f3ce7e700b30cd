"""Coverage dashboards, gap analysis, the 表彰 list and report exports."""
