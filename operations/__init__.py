"""The application layer: what a person does with hoso, in domain words.

Each operation takes plain arguments and pydantic models and returns pydantic models; the HTTP API
(`api/`) and, later, the CLI are thin doors over it. Nothing here knows HTTP or typer.
"""
