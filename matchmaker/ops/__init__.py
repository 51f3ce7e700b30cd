"""Operations behind the CLI: consistent backups and restores, the demo data set."""
