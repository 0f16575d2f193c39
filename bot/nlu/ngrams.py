"""The text features both trained classifiers read: TF-IDF of character and word n-grams of `bot.normalise.words`.

Character 2-5-grams (within words) carry typos, inflections and the six scripts alike; word 1-2-grams carry the
words and word pairs ("not right", "no more"). `words` has folded case, diacritics and the Dari letter variants
first, so "multumesc" and "mulțumesc", or ي and ی, are the same n-grams. scikit-learn comes with Rasa; it is
imported here, in the function, so that the matchers that do not train stay free of it.
"""

from __future__ import annotations


def ngram_vectorizer():
    """An unfitted FeatureUnion of the two TF-IDF vectorizers (each row of each part has length 1)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            # `words` has split the message already: every space-separated word is a word (not a password).
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")),  # noqa: S106
        ]
    )


def drop_stop_words(vectorizer) -> None:
    """Forget the n-grams a fitted vectorizer dropped (kept by scikit-learn for inspection only, and large)."""
    for _, part in vectorizer.transformer_list:
        part.stop_words_ = None
