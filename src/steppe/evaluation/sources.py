"""Where a framework's data come from: its own data file, or (for the Inner Mongolia frameworks)
the statistics the platform has imported. One function for the CLI, pages and API."""

from __future__ import annotations

from .framework import Dataset, Framework, load_dataset


def dataset_for(fw: Framework, *, year: int | None = None) -> Dataset:
    """The framework's data: the file it names (relative to itself)."""
    return load_dataset(fw)
