"""Keep "page not found" a 404 when the rich library is installed.

Datasette 0.65.5 prints every handled error with rich if rich can be imported, and rich refuses to print a
traceback outside an except block, so a request that matches no route (say /forms/2019/x/9) became a 500.
rich arrives with frictionless (through typer), which the project uses to validate the data package. Switch that
optional printing off: errors still reach the server log through Datasette's own traceback.print_exc().
"""
import datasette.handle_exception

datasette.handle_exception.rich = None
