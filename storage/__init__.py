"""Persistence for actionbot: SQLAlchemy models, the queries handlers need, and migrations.

Engines and sessions are made by start-up code (``storage.db``), never at import time.
"""
