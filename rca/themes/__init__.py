"""Themes: from texts to named themes with root causes.

Themes: embedding backends, clustering, the theme model (BERTopic's c-TF-IDF for keywords),
root causes from the taxonomy, and the analysts' curation.
"""

__all__: list[str] = []
