"""Build the site folder from the curated CSVs in data/ (see builder/ for the steps, contract.yml for the rules).

    python build_db.py [--data data] [--site site]

Writes budget.db (normalised, sqlite-utils), filings.db (every CSV verbatim, csvs-to-sqlite), downloads/ and the
site's configuration into a new folder and makes `site` point at it. Any problem stops the build with a report
naming file, Excel row and column in Chinese and English; the existing site is left untouched.
"""
import argparse
import os
import sys
from pathlib import Path

from builder import contract
from builder.build import build
from builder.contract import ContractError
from builder.datapackage import DataPackageError
from builder.interrupts import Terminated, raise_on_termination
from builder.metadata import MetadataError
from builder.problems import InputErrors, report


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the site folder from data/ (see README).")
    parser.add_argument("--data", default="data", help="folder with departments.csv and one folder per year")
    parser.add_argument("--site", default="site", help="the site folder (a link to the newest build) to write")
    parser.add_argument("--source", default="source", help="the original documents, source/<year>/<code>.<ext>")
    args = parser.parse_args(argv)
    raise_on_termination()  # Ctrl-C or kill: the unfinished build folder is removed, the site stays as it was
    live = os.path.realpath(args.site)
    try:
        counts, notices = build(args.data, args.site, args.source)
    except Terminated as stop:
        if os.path.realpath(args.site) == live:
            print(f"收到 {stop.name}，已中止；原有网站保持不变。Stopped by {stop.name}; the existing site is unchanged.",
                  file=sys.stderr)
        else:  # stopped just after the switch: the new build is complete, and it is the site now
            print(f"收到 {stop.name}；新的构建已经完整生成并已启用。Stopped by {stop.name} just after the new build, "
                  "complete, became the site.", file=sys.stderr)
        return stop.exit_code
    except (InputErrors, DataPackageError) as errors:
        report(errors.problems, sys.stderr)
        return 1
    except (ContractError, MetadataError, FileExistsError) as error:
        print(f"未生成网站，原有网站保持不变。Nothing was built; the existing site is unchanged.\n{error}", file=sys.stderr)
        return 1
    for notice in notices:
        print(f"已规范化 normalised: {notice}")
    tables = "，".join(f"{table} {counts[table]}" for table in contract.outputs() if table in counts)
    print(f"已生成 built {Path(args.site)} → {Path(args.site).resolve().name}：{tables}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
