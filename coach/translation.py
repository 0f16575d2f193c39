"""Translation of the person's own words into Dutch, for the coach. Backends behind one small interface:

- `none` (default): nothing is translated and nothing leaves the service.
- `libretranslate`: a self-hosted LibreTranslate at ONTHAAL_LIBRETRANSLATE_URL, through deep-translator.
- `public`: deep-translator's public Google Translate service, only with ONTHAAL_TRANSLATION_PUBLIC_OPT_IN=true;
  the coach pages then show that text leaves the organisation.

Every call is bounded by a timeout of at most 5 seconds; a failure gives None ("niet vertaald") and is logged
with the error's type only, never the text.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Protocol

import requests
from deep_translator import GoogleTranslator, LibreTranslator

from coach.settings import Settings

logger = logging.getLogger(__name__)
MAX_TIMEOUT_SECONDS = 5.0
# Our codes -> the translation services' codes. Dari is written Persian; both services know it as `fa`.
SERVICE_CODES = {"nl": "nl", "en": "en", "bg": "bg", "sk": "sk", "ro": "ro", "prs": "fa"}


class Translator(Protocol):
    name: str
    leaves_organisation: bool

    def to_dutch(self, text: str, language: str) -> str | None: ...


class NoTranslator:
    name = "none"
    leaves_organisation = False

    def to_dutch(self, text: str, language: str) -> str | None:
        return None


class _TimedLibreTranslator(LibreTranslator):
    """deep-translator's LibreTranslator, with a timeout on its HTTP call (the library sets none) and without its
    outdated language list (it lacks nl, bg, sk, ro and fa, which LibreTranslate serves)."""

    def __init__(self, timeout: float, api_key: str, source: str, target: str, custom_url: str) -> None:
        # The library insists on a key and on languages from its list; the real ones are set right after.
        super().__init__(api_key=api_key or "unused", source="en", target="es", custom_url=custom_url)
        self._source, self._target = source, target
        self._timeout = timeout
        self._real_key = api_key

    def translate(self, text: str, **kwargs: object) -> str:
        params = {"q": text, "source": self._source, "target": self._target, "format": "text"}
        if self._real_key:
            params["api_key"] = self._real_key
        response = requests.post(self._base_url.rstrip("/") + "/translate", data=params, timeout=self._timeout)
        response.raise_for_status()
        return str(response.json()["translatedText"])


class _BoundedTranslator:
    """Runs each call in a worker thread and gives up after the timeout, whatever the library does."""

    _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="translate")

    def __init__(self, name: str, timeout: float, leaves_organisation: bool) -> None:
        self.name = name
        self.timeout = min(timeout, MAX_TIMEOUT_SECONDS)
        self.leaves_organisation = leaves_organisation

    def _translate(self, text: str, source: str) -> str:
        raise NotImplementedError

    def to_dutch(self, text: str, language: str) -> str | None:
        source = SERVICE_CODES.get(language)
        if source is None or source == "nl" or not text.strip():
            return None
        future = self._pool.submit(self._translate, text, source)
        try:
            translated = future.result(timeout=self.timeout)
        except FutureTimeout:
            logger.warning("translation (%s) timed out after %.1f s", self.name, self.timeout)
            return None
        except Exception as error:  # noqa: BLE001  (any failure means "not translated")
            logger.warning("translation (%s) failed: %s", self.name, type(error).__name__)
            return None
        return translated or None


class LibreTranslateTranslator(_BoundedTranslator):
    def __init__(self, url: str, api_key: str, timeout: float) -> None:
        super().__init__("libretranslate", timeout, leaves_organisation=False)
        self.url = url.rstrip("/") + "/"
        self.api_key = api_key

    def _translate(self, text: str, source: str) -> str:
        backend = _TimedLibreTranslator(
            timeout=self.timeout, api_key=self.api_key, source=source, target="nl", custom_url=self.url
        )
        return backend.translate(text)


class PublicTranslator(_BoundedTranslator):
    def __init__(self, timeout: float) -> None:
        super().__init__("public", timeout, leaves_organisation=True)

    def _translate(self, text: str, source: str) -> str:
        return GoogleTranslator(source=source, target="nl").translate(text)


def build_translator(settings: Settings) -> Translator:
    if settings.translator == "libretranslate":
        return LibreTranslateTranslator(
            settings.libretranslate_url, settings.libretranslate_api_key, settings.translation_timeout_seconds
        )
    if settings.translator == "public" and settings.translation_public_opt_in:
        return PublicTranslator(settings.translation_timeout_seconds)
    return NoTranslator()
