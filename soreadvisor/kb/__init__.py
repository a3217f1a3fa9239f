"""The knowledge base: schema, files, validation, cache. Nothing else reads YAML."""
