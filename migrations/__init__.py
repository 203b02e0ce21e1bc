"""Alembic migrations of the projection's schema, generated from the SQLModel tables."""
