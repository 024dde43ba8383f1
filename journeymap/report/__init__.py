"""Findings and analysis results to text formats (table, JSON, Markdown, GitHub, JUnit, SARIF): pure functions."""
