"""Text: cleaning, redaction, quotes.

Text: cleaning free text, redacting personal data, and short evidence quotes.
"""

__all__: list[str] = []
