"""What the build (builder/), the site (budget_site/) and a release bundle all use: amounts, bilingual text, the
Chinese search rule, the year-over-year rule, spreadsheet safety, self-evaluation results. Pure functions, no
Datasette, no sqlite-utils: a release carries this package whole (release/bundle.py)."""
