"""Sorting Chinese names the way Chinese users expect: by pinyin, then by the characters."""

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> str:
    """A sort key: "张伟" → "zhang wei|张伟". Latin text sorts by itself, lower-cased.

    Stored in a column (``name_pinyin``) so that the database sorts, not Python.
    """
    text = (text or "").strip()
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    return (" ".join(s.lower() for s in syllables) + "|" + text)[:300]
