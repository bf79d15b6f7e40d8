"""The review station's logic without Qt: inbox, queue, scans, judgments and the spool."""
