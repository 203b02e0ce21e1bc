"""Personal data as a screen that others may glimpse shows it: the counter's queue gives an
applicant's name and phone partly masked (the officer checks the person against their identity
card, not against the screen)."""

from __future__ import annotations

from activities.sms import masked_phone

__all__ = ["masked_name", "masked_phone"]


def masked_name(name: str) -> str:
    """The family name, then each other name by its initial: Nguyễn Văn An → Nguyễn V. A."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])
