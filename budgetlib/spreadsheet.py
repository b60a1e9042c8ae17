"""Text that is safe to open in a spreadsheet, one rule for every CSV a person downloads (the data package's CSVs
and the site's CSV links): a cell that starts with = + - @, a tab or a carriage return would run as a formula in
Excel or WPS (OWASP "CSV injection"), so it gets a leading apostrophe, which spreadsheets show as text and do not
display. Only text cells are changed, never numbers (-0.01 stays a number); JSON and the databases keep every cell
verbatim."""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


class CsvNeutraliser:
    """The same rule over CSV text as csv.writer writes it, streamed in pieces of any size (the site's CSV downloads
    are streamed): each field that starts like a formula gets the apostrophe, inside its quotes if it is quoted.
    An unquoted field is held until its end, so that a number such as -0.01 is recognised and left alone."""

    def __init__(self):
        self.field = []  # the current unquoted field
        self.at_start = True  # at the start of a field
        self.quoted = False
        self.quote_seen = False  # a quote inside a quoted field: its end, or the first of an escaped pair
        self.first_in_quotes = False

    def feed(self, text):
        out = []
        for c in text:
            if self.quoted:
                if self.quote_seen:
                    self.quote_seen = False
                    if c == '"':  # an escaped quote: the field goes on
                        out.append('""')
                        self.first_in_quotes = False
                        continue
                    self.quoted = False
                    out.append('"')  # the closing quote; c is the separator after it
                elif c == '"':
                    self.quote_seen = True
                    continue
                else:
                    if self.first_in_quotes and c in FORMULA_START:
                        out.append("'")
                    self.first_in_quotes = False
                    out.append(c)
                    continue
            if self.at_start and c == '"':
                self.quoted, self.first_in_quotes, self.at_start = True, True, False
                out.append(c)
            elif c in ",\r\n":
                out.append(self.end_of_field())
                out.append(c)
                self.at_start = True
            else:
                self.at_start = False
                self.field.append(c)
        return "".join(out)

    def end_of_field(self):
        text, self.field = "".join(self.field), []
        return "'" + text if text.startswith(FORMULA_START) and not NUMBER.fullmatch(text) else text

    def finish(self):
        closing = '"' if self.quote_seen else ""
        self.quote_seen = self.quoted = False
        return closing + self.end_of_field()
