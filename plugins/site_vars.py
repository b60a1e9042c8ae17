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


@hookimpl
def extra_template_vars(datasette):
    return {"site_build": build_date(datasette.databases["budget"].path)}


@functools.lru_cache(maxsize=16)  # per file: a published budget.db is never changed, only replaced by a new build
def build_date(path):
    # budget.db is built deterministically, so its content carries no date: the file's time is the build time.
    built = datetime.datetime.fromtimestamp(os.path.getmtime(path), CHINA_TIME)
    return {"date": f"{built.year}年{built.month}月{built.day}日", "iso": built.isoformat(timespec="minutes")}
