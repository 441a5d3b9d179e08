"""CSV and JSON writers for the datasets, as chunks for a streaming response."""

import csv
import json
from collections.abc import Iterable, Iterator

from .datasets import Dataset, csv_value


class _Echo:
    """A file-like object whose write() returns the line: csv.writer then yields it."""

    def write(self, value: str) -> str:
        return value


def _csv_writer():
    return csv.writer(_Echo(), lineterminator="\r\n")


def csv_chunks(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 CSV: comma, double quotes when needed, CRLF, UTF-8 without BOM, header first."""
    writer = CsvWriter(dataset)
    yield writer.header()
    for row in rows:
        yield writer.row(row)


def json_chunks(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of objects with the schema's fields in order; lists stay arrays."""
    writer = JsonWriter(dataset)
    yield writer.header()
    for row in rows:
        yield writer.row(row)
    yield writer.footer()


class CsvWriter:
    """The CSV file, a row at a time (see csv_chunks)."""

    def __init__(self, dataset: Dataset) -> None:
        self.names = dataset.field_names
        self._writer = _csv_writer()

    def header(self) -> str:
        return self._writer.writerow(self.names)

    def row(self, row: dict) -> str:
        return self._writer.writerow([csv_value(row[name]) for name in self.names])

    def footer(self) -> str:
        return ""


class JsonWriter:
    """The JSON file, a row at a time (see json_chunks)."""

    def __init__(self, dataset: Dataset) -> None:
        self.names = dataset.field_names
        self._first = True

    def header(self) -> str:
        return "["

    def row(self, row: dict) -> str:
        record = json.dumps({name: row[name] for name in self.names}, ensure_ascii=False)
        separator = "\n" if self._first else ",\n"
        self._first = False
        return separator + record

    def footer(self) -> str:
        return "\n]\n"


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
