"""CSV and JSON writers for the datasets, as chunks for a streaming response."""

import csv
import json
from collections.abc import Iterable, Iterator

from .datasets import Dataset, csv_value


class _Echo:
    """A file-like object whose write() returns the line: csv.writer then yields it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 CSV: comma, double quotes when needed, CRLF, UTF-8 without BOM, header first."""
    names = dataset.field_names
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(names)
    for row in rows:
        yield writer.writerow([csv_value(row[name]) for name in names])


def json_chunks(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of objects with the schema's fields in order; lists stay arrays."""
    names = dataset.field_names
    yield "["
    for index, row in enumerate(rows):
        record = json.dumps({name: row[name] for name in names}, ensure_ascii=False)
        yield ("," if index else "") + "\n" + record
    yield "\n]\n"


def descriptor(dataset: Dataset, absolute) -> dict:
    """The Table Schema, with the addresses where it and its files are published.

    ``absolute`` turns a (dataset, extension) pair into an absolute URL.
    """
    schema = dict(dataset.schema)
    schema["homepage"] = absolute(None, None)
    schema["path"] = absolute(dataset.name, "schema.json")
    schema["resources"] = [
        {"title": "Fichier CSV", "path": absolute(dataset.name, "csv")},
        {"title": "Fichier JSON", "path": absolute(dataset.name, "json")},
    ]
    return schema


def size(chunks: Iterable[str]) -> int:
    return sum(len(chunk.encode("utf-8")) for chunk in chunks)
