"""Markdown as MkDocs + Material renders it: source handling, block tree, inline pieces."""
