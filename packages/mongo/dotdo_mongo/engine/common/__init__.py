"""Query semantics shared by every command: BSON ordering, paths, filters, projections, updates."""
