"""Compiled Qt translations (.qm) and their sources (.ts)."""
