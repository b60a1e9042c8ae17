"""Titles and descriptions in metadata.yml are bilingual, Chinese first: "专项资金（表1）Special funds (form 1)",
"…每项专项资金一行。Form 1, the summary…", and column docs "资金总额，万元 / amount, 10,000 yuan".

Pages show the Chinese part as the text and the English part only where it is marked lang="en", so a reader
(and a screen reader) knows which is which. Jinja filters:
  {{ title|zh }}         the Chinese part alone (page titles, breadcrumbs, file names, options)
  {{ title|bilingual }}  Chinese, then <span lang="en">English</span> (headings, descriptions)
"""
from datasette import hookimpl
from markupsafe import Markup, escape

from budgetlib.bilingual import split_bilingual


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
