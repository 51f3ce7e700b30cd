"""Import and export of 清单 sheets: upload, preview, confirm, templates, exports."""
