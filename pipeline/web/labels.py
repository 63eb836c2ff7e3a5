"""The texts of the pages themselves (headings, links, notes) in Finnish, Swedish and English:
their English is in pipeline/i18n/pages.py, their other languages in koko's catalogues.

The names of terms come from the model (graph/model.py), not from here.
"""

from __future__ import annotations

from .. import i18n
from ..config import LANGS
from ..i18n.pages import CONTEXT, TEXTS

#: The pages' own words: key -> {language: text}, from the catalogues (context "page").
UI = {key: {lang: i18n.catalogue(lang).pgettext(CONTEXT, text) for lang in LANGS} for key, text in TEXTS.items()}
