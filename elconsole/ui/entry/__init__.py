"""The entry tab."""
