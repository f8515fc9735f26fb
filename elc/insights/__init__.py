"""Insights: programme status, the touchpoint x community matrix, high-impact changes and evidence."""
