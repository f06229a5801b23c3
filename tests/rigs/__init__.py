"""Real servers and devices the tests start themselves (PostgreSQL, ...)."""
