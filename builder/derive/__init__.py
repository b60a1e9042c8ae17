"""Tables the build derives from the normalised ones: data checks, the search index, indicator analysis."""
