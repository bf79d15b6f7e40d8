"""The stats tab."""
