"""The window: main window, one package per tab, shared widgets."""
