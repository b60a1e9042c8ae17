"""Titles and descriptions in metadata.yml are bilingual, Chinese first: "专项资金（表1）Special funds (form 1)",
"…每项专项资金一行。Form 1, the summary…", and column docs "资金总额，万元 / amount, 10,000 yuan".

Pages show the Chinese part as the text and the English part only where it is marked lang="en", so a reader
(and a screen reader) knows which is which. Jinja filters:
  {{ title|zh }}         the Chinese part alone (page titles, breadcrumbs, file names, options)
  {{ title|bilingual }}  Chinese, then <span lang="en">English</span> (headings, descriptions)
"""
import re

from datasette import hookimpl
from markupsafe import Markup, escape

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


def chinese_part(text):
    return split_bilingual(str(text) if text is not None else "")[0]


def bilingual(text):
    zh, en = split_bilingual(str(text) if text is not None else "")
    if not en:
        return escape(zh)
    return escape(zh) + Markup(' <span lang="en">') + escape(en) + Markup("</span>")


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["zh"] = chinese_part
    env.filters["bilingual"] = bilingual
    env.globals["split_bilingual"] = split_bilingual
