"""Attachments: documents and images only, judged by content and name; size and count limits;
content stored once per SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from store_support import PDF, draft, raises_saying

from store import AttachmentRejected, EventKind, NewAttachment
from store.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_EVENT,
    check_attachment,
    check_attachments,
)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
DOCX = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODS = zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
              "content.xml": b"<office:document-content/>"})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200

ACCEPTED = [
    ("nota.pdf", PDF, "application/pdf"),
    ("foto.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
    ("tela.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50, "image/jpeg"),
    ("anim.gif", b"GIF89a" + b"\x00" * 50, "image/gif"),
    ("img.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 50, "image/webp"),
    ("scan.tiff", b"II*\x00" + b"\x00" * 50, "image/tiff"),
    ("oficio.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("planilha.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("planilha.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("antigo.doc", OLE + "WordDocument".encode("utf-16-le") + b"\x00" * 64, "application/msword"),
    ("antiga.xls", OLE + "Workbook".encode("utf-16-le") + b"\x00" * 64, "application/vnd.ms-excel"),
    ("carta.rtf", b"{\\rtf1\\ansi Ol\\'e1}", "application/rtf"),
    ("leia.txt", "Empenho nº 123 — retenção".encode(), "text/plain"),
    ("empresa.txt", b"MZ Consultoria Ltda\r\nCNPJ 00.000.000/0001-00\r\n", "text/plain"),
    ("dados.csv", "credor;valor\nJoão;10,00\n".encode("cp1252"), "text/csv"),
    ("unicode.txt", "\ufeffcredor\tvalor\r\n".encode("utf-16-le"), "text/plain"),
    ("foto.jpg", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),  # a misnamed image is harmless
]


@pytest.mark.parametrize("filename,data,content_type", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_documents_and_images_are_accepted(filename, data, content_type):
    checked = check_attachment(NewAttachment(filename, data, "application/octet-stream"))
    assert checked.content_type == content_type
    assert checked.sha256 == hashlib.sha256(data).hexdigest() and checked.size == len(data)


REFUSED = [
    ("programa.pdf", EXE, "executável"),            # a renamed Windows program
    ("relatorio.txt", ELF, "executável"),           # a renamed Linux program
    ("script.txt", b"#!/bin/sh\nrm -rf /\n", "executável"),
    ("setup.exe", EXE, "executável"),
    ("leia.exe", b"apenas texto", "não é aceito"),  # the name alone is enough to refuse
    ("macro.js", b"alert(1)", "não é aceito"),
    ("arquivo", zip_of({"a.txt": b"x"}), "não é aceito"),
    ("arquivo.zip", zip_of({"a.txt": b"x"}), "não é aceito"),
    ("app.docx", zip_of({"META-INF/MANIFEST.MF": b"Main-Class: X"}), "não corresponde"),  # a .jar
    ("macro.docx", zip_of({"[Content_Types].xml": b"application/vnd.ms-word.document.macroEnabled",
                           "word/vbaProject.bin": b"x"}), "não corresponde"),
    ("instalador.doc", OLE, "não corresponde"),     # an .msi is OLE too, without Word streams
    ("foto.png", PDF, "não corresponde"),
    ("nota.pdf", b"texto qualquer", "não corresponde"),
    ("vazio.pdf", b"", "vazio"),
]


@pytest.mark.parametrize("filename,data,reason", REFUSED, ids=[r[0] + "-" + r[2] for r in REFUSED])
def test_other_files_are_refused_with_the_reason(filename, data, reason):
    with raises_saying(AttachmentRejected, reason) as refused:
        check_attachment(NewAttachment(filename, data, "application/pdf"))
    assert refused.value.filename == filename


def test_size_limit_is_20_mb():
    exactly = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF))
    assert check_attachment(NewAttachment("grande.pdf", exactly)).size == 20 * 1024 * 1024
    with raises_saying(AttachmentRejected, "20 MB"):
        check_attachment(NewAttachment("grande.pdf", exactly + b"\x00"))


def test_at_most_10_per_event():
    assert MAX_ATTACHMENTS_PER_EVENT == 10
    assert len(check_attachments([NewAttachment(f"{i}.pdf", PDF) for i in range(10)])) == 10
    with raises_saying(AttachmentRejected, "até 10 arquivos"):
        check_attachments([NewAttachment(f"{i}.pdf", PDF) for i in range(11)])


@pytest.mark.parametrize("data,filename", [(PDF, "arquivo.pdf"), (b"GIF89a\x00", "arquivo.gif"),
                                           (b"texto simples", "arquivo.txt")])
def test_a_nameless_file_is_named_by_its_content(data, filename):
    assert check_attachment(NewAttachment("arquivo", data)).filename == filename


def test_file_names_lose_their_path():
    assert check_attachment(NewAttachment("../../etc/notas.txt", b"oi")).filename == "notas.txt"
    assert check_attachment(NewAttachment("C:\\Users\\ana\\nota.pdf", PDF)).filename == "nota.pdf"


# --- through the store ---------------------------------------------------------------------------

async def test_attachments_are_stored_once_by_content(world, tmp_path):
    async with world.store.transaction() as tx:
        first = await tx.open_demand(world.ana.actor(), draft(), [NewAttachment("nota.pdf", PDF)])
        second = await tx.open_demand(world.bia.actor(), draft(), [NewAttachment("outra.pdf", PDF)])
    sha = hashlib.sha256(PDF).hexdigest()
    assert first.attachments[0].sha256 == second.attachments[0].sha256 == sha
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert stored == [tmp_path / "attachments" / sha[:2] / sha]
    assert stored[0].read_bytes() == PDF


async def test_comment_attachments_appear_on_the_event_and_the_demand(world):
    protocol = await world.open()
    files = [NewAttachment("a.pdf", PDF), NewAttachment("b.txt", b"texto")]
    demand = await world.run("comment", world.ana, protocol, None, files)
    assert [a.filename for a in demand.attachments] == ["a.pdf", "b.txt"]
    [comment, _] = await world.run("timeline", world.ana, protocol)
    assert comment.kind is EventKind.COMMENT and comment.text is None
    assert [a.filename for a in comment.attachments] == ["a.pdf", "b.txt"]
    assert await world.run("attachment_content", world.caio, comment.attachments[1].id) == b"texto"


async def test_attachments_of_a_change_are_seen_by_the_rest_of_its_transaction(world):
    async with world.store.transaction() as tx:
        created = await tx.open_demand(world.ana.actor(), draft(), [NewAttachment("nota.pdf", PDF)])
        commented = await tx.comment(world.ana.actor(), created.protocol, "Mais um",
                                     [NewAttachment("b.txt", b"texto")])
        answered = await tx.answer(world.caio.actor(), created.protocol, "Veja", [NewAttachment("c.txt", b"c")])
        read_again = await tx.get_demand(world.ana.actor(), created.protocol)
    assert [a.filename for a in created.attachments] == ["nota.pdf"]
    assert [a.filename for a in commented.attachments] == ["nota.pdf", "b.txt"]
    assert [a.filename for a in answered.attachments] == ["nota.pdf", "b.txt", "c.txt"]
    assert read_again.attachments == answered.attachments
    assert await world.run("get_demand", world.ana, created.protocol) == read_again


async def test_refused_attachment_changes_nothing(world, tmp_path):
    protocol = await world.open()
    with raises_saying(AttachmentRejected, "executável"):
        await world.run("comment", world.ana, protocol, "Segue", [NewAttachment("nota.pdf", EXE)])
    with raises_saying(AttachmentRejected, "até 10"):
        async with world.store.transaction() as tx:
            await tx.open_demand(world.bia.actor(), draft(),
                                 [NewAttachment(f"{i}.pdf", PDF) for i in range(11)])
    assert len(await world.run("timeline", world.ana, protocol)) == 1
    assert (await world.run("list_demands", world.bia, False)).total == 0
    assert not (tmp_path / "attachments").exists()
