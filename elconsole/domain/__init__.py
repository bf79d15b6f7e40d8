"""Domain layer: station records, module grids, defect types, time and statistics."""
