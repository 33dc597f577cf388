"""Django's message storage, speaking the page's language: a bilingual service message added with
messages.error(request, exc.message) keeps only the part for the visitor's language."""

from django.contrib.messages.storage.fallback import FallbackStorage

from .bilingual import in_language


class LanguageMessageStorage(FallbackStorage):
    def add(self, level, message, extra_tags=""):
        return super().add(level, in_language(message), extra_tags)
