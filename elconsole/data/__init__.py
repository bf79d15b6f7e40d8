"""Data access: the only package that talks to MongoDB (through pymongo)."""
