"""The soreness diary: a private SQLite file. Nothing else touches it."""
