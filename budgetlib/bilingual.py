"""Where a bilingual text's Chinese ends and its English starts: one rule for the build (which adds to saved
queries' descriptions) and the site (budget_site/presentation/bilingual.py, which marks the English lang="en")."""
import re

# A column doc: "中文说明 / English", split at the last " / " that English follows.
SLASH_ENGLISH = re.compile(r"\s*/\s+(?=[A-Za-z0-9(])")
# A title or description: Chinese, then English starting with a capital right after a Chinese character or
# full-width punctuation ("）Special", "。Form", "门 Departments").
CHINESE_THEN_CAPITAL = re.compile(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef])\s*(?=[A-Z][A-Za-z' ])")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2}")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")
# English that quotes a few Chinese words ("…listed in form 3's 产出指标 cell") is still English;
# a tail that is more Chinese than this is not an English translation but part of the Chinese text.
MOST_CJK_IN_ENGLISH = 0.15


def split_bilingual(text):
    """'专项资金（表1）Special funds (form 1)' -> ('专项资金（表1）', 'Special funds (form 1)'); no English -> (text, '')."""
    text = text or ""
    for slash in list(SLASH_ENGLISH.finditer(text))[-1:]:  # the separator says where English starts
        if CJK.search(text[: slash.start()]) and ENGLISH_WORD.search(text[slash.end():]):
            return text[: slash.start()], text[slash.end():]
    for boundary in CHINESE_THEN_CAPITAL.finditer(text):  # no separator: the tail must read as English
        english = text[boundary.end():]
        if len(CJK.findall(english)) <= MOST_CJK_IN_ENGLISH * len(english):
            return text[: boundary.start()], english
    return text, ""
