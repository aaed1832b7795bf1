"""Storage: SQLAlchemy 2 tables, async engines and migrations."""
