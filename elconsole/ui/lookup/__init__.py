"""The lookup tab."""
