"""What every page says about the site itself: its name (from the data, via the build's metadata) and when the
published data was built."""
import datetime
import functools
import os

from datasette import hookimpl

CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # A global, not a template variable: error pages are rendered without plugin template variables.
    env.globals["site_name"] = datasette.metadata("site_name") or "预算公开"
    env.globals["site_links"] = functools.partial(site_links, datasette)


@functools.lru_cache(maxsize=16)  # per server: the links never change while it runs
def site_links(datasette):
    """The links of every page's navigation bar and footer, built once instead of 15 URL-builder calls a page.
    Built at the first page, not at startup: a release's database gets its hashed route in a startup hook."""
    urls = datasette.urls
    links = {"home": urls.instance(), "budget": urls.database("budget"),
             "special_funds": urls.table("budget", "special_funds"),
             "performance_indicators": urls.table("budget", "performance_indicators"),
             "notes": urls.table("budget", "notes")}
    for page in ("forms", "quality", "results", "checks", "search", "documents", "budget.db", "dictionary", "api",
                 "changelog"):
        links[page] = urls.path("/" + page)
    return {name: str(href) for name, href in links.items()}


@hookimpl
def extra_template_vars(datasette):
    return {"site_build": build_date(datasette.databases["budget"].path)}


@functools.lru_cache(maxsize=16)  # per file: a published budget.db is never changed, only replaced by a new build
def build_date(path):
    # budget.db is built deterministically, so its content carries no date: the file's time is the build time.
    built = datetime.datetime.fromtimestamp(os.path.getmtime(path), CHINA_TIME)
    return {"date": f"{built.year}年{built.month}月{built.day}日", "iso": built.isoformat(timespec="minutes")}
