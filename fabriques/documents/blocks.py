"""A small document model, independent of Django models: a title and a tree of blocks.

The domain apps build a `Document` from their data (roadmaps.documents,
recommendations.documents); the renderers (pdf, docx, odt) turn the same tree into each
format, so the three files always say the same thing. A document serialises to plain JSON:
its hash is the content version under which a rendering is cached, and the stored JSON is what
the background task renders (the task receives only a row id).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["pdf", "docx", "odt"]

# What a figure weighs in `Document.size()`, in characters of text: drawing one (PDF) or
# rasterising it (DOCX, ODT) takes about as long as laying out 5,000 characters
# (bench/documents.py).
FIGURE_SIZE = 5_000
FORMATS: tuple[Format, ...] = ("pdf", "docx", "odt")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 to 4; the document's title sits above them
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass(frozen=True)
class BulletList:
    items: list[str]


@dataclass(frozen=True)
class Table:
    caption: str
    header_row: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class KeyValue:
    """A description list (dl): pairs of a term and its value."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Figure:
    """A figure drawn on the server as a self-contained SVG (no external reference: the PDF
    renderer fetches nothing), with its title and the sentence that says what it shows, both
    read as its alternative text. Built by the platform's own chart code, never from user
    markup. The PDF keeps the SVG; DOCX and ODT carry it as a PNG (see renderers)."""

    title: str
    description: str
    svg: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | BulletList | Table | KeyValue | Figure | PageBreak

_KINDS: dict[str, type] = {
    "heading": Heading,
    "paragraph": Paragraph,
    "list": BulletList,
    "table": Table,
    "keyvalue": KeyValue,
    "figure": Figure,
    "pagebreak": PageBreak,
}
_NAMES = {kind: name for name, kind in _KINDS.items()}


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subject: str = ""
    author: str = "Agence nationale de la cohésion des territoires"
    lang: str = "fr"

    def add(self, *blocks: Block | None) -> None:
        """Append blocks, skipping None (a builder's empty part)."""
        self.blocks.extend(block for block in blocks if block is not None)

    def to_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "subject": self.subject,
            "author": self.author,
            "lang": self.lang,
            "blocks": [_block_data(block) for block in self.blocks],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Document:
        return cls(
            title=data["title"],
            subject=data["subject"],
            author=data["author"],
            lang=data["lang"],
            blocks=[_block_from(item) for item in data["blocks"]],
        )

    def content_version(self) -> str:
        """The sha256 of the tree's canonical JSON: equal trees, equal versions."""
        text = json.dumps(self.to_data(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def size(self) -> int:
        """Characters of text, a measure of rendering time (see services.INLINE_MAX_CHARS)."""
        total = len(self.title)
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                total += len(block.text)
            elif isinstance(block, BulletList):
                total += sum(len(item) for item in block.items)
            elif isinstance(block, Table):
                total += sum(len(cell) for row in [block.header_row, *block.rows] for cell in row)
            elif isinstance(block, KeyValue):
                total += sum(len(k) + len(v) for k, v in block.items)
            elif isinstance(block, Figure):
                total += len(block.title) + len(block.description) + FIGURE_SIZE
        return total

    def text(self) -> str:
        """All the document's text, one block a line (for tests and search)."""
        lines = [self.title]
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                lines.append(block.text)
            elif isinstance(block, BulletList):
                lines.extend(block.items)
            elif isinstance(block, Table):
                lines.append(block.caption)
                lines.extend(" ".join(row) for row in [block.header_row, *block.rows])
            elif isinstance(block, KeyValue):
                lines.extend(f"{k} {v}" for k, v in block.items)
            elif isinstance(block, Figure):
                lines.extend([block.title, block.description])
        return "\n".join(lines)


def _block_data(block: Block) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": _NAMES[type(block)]}
    data.update(block.__dict__)
    if isinstance(block, KeyValue):
        data["items"] = [list(pair) for pair in block.items]
    return data


def _block_from(data: dict[str, Any]) -> Block:
    values = dict(data)
    kind = _KINDS[values.pop("kind")]
    if kind is KeyValue:
        values["items"] = [tuple(pair) for pair in values["items"]]
    block: Block = kind(**values)
    return block
