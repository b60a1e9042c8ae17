"""Names that several of the site's modules share, defined once.

A guard refuses a request by marking its ASGI scope; the SQL lane leaves values on its threads for the connection
guards that run there. Each name says who writes it and who reads it."""

# Scope key: (reason, detail) of a refused request. Written by the guards (param_guard.py, debug_pages.py,
# sql_lane.py), read by refusals.py, which routes the request to its Chinese error page.
REFUSE = "site.refuse"

# The name prefix of the SQL lane's threads (sql_lane.py), on which bounded_functions.py and sql_authorizer.py
# apply their visitor-only limits.
SQL_LANE_THREADS = "sql-lane"

# Attributes sql_lane.py leaves on a lane thread while a visitor's query runs:
THREAD_DEADLINE = "site_sql_deadline"  # time.perf_counter() at which the query must stop (bounded_functions.py)
THREAD_GONE = "site_visitor_gone"  # a threading.Event set when the visitor has disconnected (bounded_functions.py)
THREAD_AFTER_QUERY = "site_after_query"  # what sql_authorizer.py changed for one statement, undone after it
THREAD_CELL_LIMIT = "site_result_cells"  # values this request's result may hold (result_budget.py)
