"""Exports of statistics and defect maps: shared table rows, CSV, Excel and PDF writers."""
