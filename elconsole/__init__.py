"""EL Console: review, lookup and statistics for a photovoltaic EL test line."""

__version__ = "0.1.0"
