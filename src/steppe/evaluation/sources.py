"""Where a framework's data come from: its own data file (COINr's example, the parks), or the
statistics the platform has imported (leagues, counties). One function for the CLI, pages and API."""

from __future__ import annotations

from .framework import Dataset, Framework, load_dataset


def dataset_for(fw: Framework, *, year: int | None = None) -> Dataset:
    if "stats" in fw.data:
        from .queries import dataset_from_stats

        return dataset_from_stats(fw, year=year).dataset
    return load_dataset(fw)
