"""公文: outgoing and incoming official documents (issues 4 and 5)."""
