"""Pydantic models of the HTTP API (not ORM models)."""
