"""The MongoDB engine: commands (commands/), query semantics (common/), stages (stages/)."""
