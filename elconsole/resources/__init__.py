"""Runtime assets: icons."""
