"""Exports: tables to .xlsx and CSV through one writer (writer.py)."""
