"""Loket core: domain model, storage, queue engine, events, configuration, CLI. No Qt."""

__version__ = "0.1.0"
