"""Files held for a dialog: capped like a demand's attachments (count, size of each, total), kept
in the store, taken back in order, dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from samples import PDF

from dialogs import held_files
from dialogs.messages import IncomingFile
from store import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_EVENT, NewAttachment

MB = 1024 * 1024


@dataclass
class TurnInStore:
    """What held_files uses of a Turn: its transaction and who is talking."""

    tx: Any
    person: Any


@pytest.fixture
async def person(sqlite_store):
    async with sqlite_store.transaction() as tx:
        return await tx.ensure_person("test", "u1", "Maria Silva")


async def keep(store, person, files, held=()):
    async with store.transaction() as tx:
        return await held_files.keep(TurnInStore(tx, person), files, tuple(held))


async def take(store, person, held):
    async with store.transaction() as tx:
        return await held_files.take(TurnInStore(tx, person), held)


def pdf(name: str, size: int = len(PDF)) -> IncomingFile:
    return IncomingFile(name, PDF + b"\x00" * (size - len(PDF)), "application/pdf")


def test_the_caps_are_those_of_a_demand():
    assert held_files.MAX_FILES == MAX_ATTACHMENTS_PER_EVENT == 10
    assert held_files.MAX_FILE_BYTES == MAX_ATTACHMENT_BYTES
    assert held_files.MAX_TOTAL_BYTES == 20 * MB


async def test_the_eleventh_file_is_refused(sqlite_store, person):
    held, refused = await keep(sqlite_store, person, [pdf(f"{i}.pdf") for i in range(1, 11)])
    assert len(held) == 10 and refused == []
    again, refused = await keep(sqlite_store, person, [pdf("11.pdf")], held)
    assert again == held and refused == ["11.pdf"]


async def test_a_batch_beyond_the_count_keeps_the_first_ones(sqlite_store, person):
    held, refused = await keep(sqlite_store, person, [pdf(f"{i}.pdf") for i in range(1, 13)])
    assert held_files.names(held) == ", ".join(f"{i}.pdf" for i in range(1, 11))
    assert refused == ["11.pdf", "12.pdf"]


async def test_a_file_over_the_size_is_refused_and_the_others_kept(sqlite_store, person):
    held, refused = await keep(sqlite_store, person,
                               [pdf("grande.pdf", MAX_ATTACHMENT_BYTES + 1), pdf("nota.pdf")])
    assert held_files.names(held) == "nota.pdf" and refused == ["grande.pdf"]


async def test_the_total_of_bytes_is_capped(sqlite_store, person):
    held, refused = await keep(sqlite_store, person, [pdf("a.pdf", 12 * MB), pdf("b.pdf", 9 * MB)])
    assert held_files.names(held) == "a.pdf" and refused == ["b.pdf"]
    held, refused = await keep(sqlite_store, person, [pdf("c.pdf", 8 * MB), pdf("d.pdf")], held)
    assert held_files.names(held) == "a.pdf, c.pdf" and refused == ["d.pdf"]
    assert sum(file.size for file in held) == 20 * MB


async def test_held_files_are_taken_in_order_and_dropped(sqlite_store, person):
    held, _ = await keep(sqlite_store, person, [pdf("a.pdf")])
    held, _ = await keep(sqlite_store, person, [IncomingFile("b.png", b"\x89PNG\r\n\x1a\n")], held)
    assert await take(sqlite_store, person, held) == [
        NewAttachment("a.pdf", PDF, "application/pdf"), NewAttachment("b.png", b"\x89PNG\r\n\x1a\n", None)]
    async with sqlite_store.transaction() as tx:
        await held_files.drop(TurnInStore(tx, person), held)
    assert await take(sqlite_store, person, held) == []


async def test_nothing_that_fits_holds_nothing(sqlite_store, person):
    held, _ = await keep(sqlite_store, person, [pdf(f"{i}.pdf") for i in range(10)])
    again, refused = await keep(sqlite_store, person, [pdf("x.pdf"), pdf("y.pdf")], held)
    assert again is held and refused == ["x.pdf", "y.pdf"]
