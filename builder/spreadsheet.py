"""Text that is safe to open in a spreadsheet, one rule for every CSV a person downloads (the data package's CSVs
and the site's CSV links): a cell that starts with = + - @, a tab or a carriage return would run as a formula in
Excel or WPS (OWASP "CSV injection"), so it gets a leading apostrophe, which spreadsheets show as text and do not
display. Only text cells are changed, never numbers (-0.01 stays a number); JSON and the databases keep every cell
verbatim."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
