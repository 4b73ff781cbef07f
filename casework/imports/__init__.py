"""Spreadsheet import: clients from CSV or XLSX through a column mapping, a preview that lists
every row's problems, and an all-or-nothing, audited, idempotent import."""
