"""Offline tools run from the command line: analyze a file of articles, score grouping,
differences and extraction against labelled data, fit the grouping model, export, preview."""
