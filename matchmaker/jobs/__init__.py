"""The admin pages for background jobs (/admin/jobs)."""
