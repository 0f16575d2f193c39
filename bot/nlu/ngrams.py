"""The text features both trained classifiers read: TF-IDF of character and word n-grams of `bot.normalise.words`.

Character 2-5-grams (within words) carry typos, inflections and the six scripts alike; word 1-2-grams carry the
words and word pairs ("not right", "no more"). `words` has folded case, diacritics and the Dari letter variants
first, so "multumesc" and "mulțumesc", or ي and ی, are the same n-grams. scikit-learn comes with Rasa; it is
imported here, in the function, so that the matchers that do not train stay free of it.
"""

from __future__ import annotations

from bot.normalise import words


def fit_ngrams(texts):
    """(the fitted vectorizer, the TF-IDF rows of `texts`), each text read through `words` first.

    The vectorizer is a FeatureUnion of the two TF-IDF vectorizers, so each row of each part has length 1.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    vectorizer = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            # `words` has split the message already: every space-separated word is a word (not a password).
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+")),  # noqa: S106
        ]
    )
    features = vectorizer.fit_transform([words(text) for text in texts])
    for _, part in vectorizer.transformer_list:
        part.stop_words_ = None  # the n-grams it dropped: kept by scikit-learn for inspection only, and large
    return vectorizer, features
