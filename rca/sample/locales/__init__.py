"""The markets' languages: phrase banks of users' feedback and auditors' comments per language.

`LOCALES` maps an ISO 639-1 code to its `Locale`; English stays in `rca.sample.voices` and
`rca.sample.phrases`. Every planted cause has templates in every language, so the same root cause
is written in Malay, Indonesian, Tagalog, Thai, Vietnamese, Portuguese and English.
"""

from __future__ import annotations

from rca.sample.locales.base import AUDIT_KEYS, FEEDBACK_KEYS, Locale
from rca.sample.locales.indonesian import INDONESIAN
from rca.sample.locales.malay import MALAY
from rca.sample.locales.portuguese import PORTUGUESE
from rca.sample.locales.tagalog import TAGALOG
from rca.sample.locales.thai import THAI
from rca.sample.locales.vietnamese import VIETNAMESE

__all__ = ["AUDIT_KEYS", "FEEDBACK_KEYS", "LOCALES", "Locale"]

LOCALES: dict[str, Locale] = {
    loc.code: loc for loc in (MALAY, INDONESIAN, TAGALOG, THAI, VIETNAMESE, PORTUGUESE)
}
