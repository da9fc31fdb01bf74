"""Intent definitions (YAML, multilingual examples and replies) and the intent classifier."""
