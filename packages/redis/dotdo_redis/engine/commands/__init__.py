"""Command families, one module each (keys, strings, hashes, lists, sets, zsets, ...).
Every module here is imported by the engine; registering is done by the @command decorator."""
