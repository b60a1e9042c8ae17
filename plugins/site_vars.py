"""What every page says about the site itself: its name (from the data, via the build's metadata) and when the
published data was built."""
import datetime
import os

from datasette import hookimpl

CHINA_TIME = datetime.timezone(datetime.timedelta(hours=8))


@hookimpl
def prepare_jinja2_environment(env, datasette):
    # A global, not a template variable: error pages are rendered without plugin template variables.
    env.globals["site_name"] = datasette.metadata("site_name") or "预算公开"


@hookimpl
def extra_template_vars(datasette):
    # budget.db is built deterministically, so its content carries no date: the file's time is the build time.
    built = datetime.datetime.fromtimestamp(os.path.getmtime(datasette.databases["budget"].path), CHINA_TIME)
    return {"site_build": {"date": f"{built.year}年{built.month}月{built.day}日",
                           "iso": built.isoformat(timespec="minutes")}}
