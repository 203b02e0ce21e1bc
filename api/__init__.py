"""The HTTP API (/api/v1): the front door for portals, counters and officers (docs/design.md)."""
