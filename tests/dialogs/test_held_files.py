"""Files held for a draft or a comment: checked when they arrive, each refused one answered on its
own with its real reason, the good ones kept with the text, any one removed by number or name; the
rule said once, the same in the messages and the README."""

from __future__ import annotations

from pathlib import Path

from dialog_support import person_id
from samples import PDF, PNG
from sqlalchemy import select

from dialogs.messages import IncomingFile
from store import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_EVENT, MAX_ATTACHMENTS_TOTAL_BYTES, Actor, EventKind
from store.models import PendingAttachmentRow

MB = 1024 * 1024
PROGRAM = b"MZ\x90\x00" + b"\x00" * 100  # a Windows executable, whatever its name says
README = Path(__file__).resolve().parents[2] / "README.md"


def sized(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (size - len(data))


async def held_names(conv) -> list[str]:
    """What the database holds for the person, waiting to be sent."""
    store = conv.dialogs.store
    owner = await person_id(store, conv)
    async with store.transaction() as tx:
        rows = await tx.session.scalars(select(PendingAttachmentRow).where(PendingAttachmentRow.person_id == owner)
                                        .order_by(PendingAttachmentRow.id))
        return [row.filename for row in rows]


async def to_attachments(conv) -> None:
    await conv.press("menu:new")
    await conv.say("Liberar liquidação do empenho 123")
    await conv.say("sim")
    await conv.press("type:servicos")
    await conv.say("execução da despesa")
    await conv.press("sub:liberar-liquidacao")
    await conv.say("A liquidação está travada desde ontem.")
    assert "Quer anexar arquivos?" in conv.text


async def demand_files(conv) -> list[str]:
    async with conv.dialogs.store.transaction() as tx:
        page = await tx.list_demands(Actor(await person_id(conv.dialogs.store, conv)), False, page=1, page_size=5)
        return [a.filename for item in page.items for a in item.attachments]


async def open_demand(conv) -> str:
    await to_attachments(conv)
    await conv.press("skip")
    await conv.press("send")
    [protocol] = [c.removeprefix("dm:show:") for c in conv.choice_ids if c.startswith("dm:show:")]
    return protocol


# --- 5: checked on arrival, each file on its own, any one removed ------------------------------------------

async def test_an_executable_named_pdf_is_refused_on_arrival_and_the_good_files_kept(ready):
    await to_attachments(ready)
    await ready.send(files=[IncomingFile("nota.pdf", PDF), IncomingFile("relatorio.pdf", PROGRAM),
                            IncomingFile("planilha.xlsx", PDF), IncomingFile("foto.png", PNG)])
    said = ready.paragraphs  # the refusals, then the files kept: one message
    assert len(ready.replies) == 1
    assert said[0].startswith("O arquivo “relatorio.pdf” é um programa executável e não pode ser anexado.")
    assert said[1].startswith("O conteúdo do arquivo “planilha.xlsx” não corresponde à extensão")
    assert said[2].startswith("Anexos:\n1. nota.pdf\n2. foto.png\n")
    assert await held_names(ready) == ["nota.pdf", "foto.png"]
    await ready.press("done")
    await ready.press("send")
    assert "Demanda criada" in ready.text
    assert await demand_files(ready) == ["nota.pdf", "foto.png"]
    assert await held_names(ready) == []


async def test_any_held_file_can_be_removed_by_number_name_or_button(ready):
    await to_attachments(ready)
    await ready.send(files=[IncomingFile(name, PDF) for name in ("a.pdf", "b.pdf", "c.pdf", "d.pdf")])
    await ready.say("remover 2")
    assert ready.paragraphs[0] == "Removi b.pdf."
    assert "1. a.pdf\n2. c.pdf\n3. d.pdf" in ready.text
    await ready.say("tirar o anexo D.pdf")
    assert ready.paragraphs[0] == "Removi d.pdf."
    await ready.press("rmf:ask")
    assert "Qual anexo devo remover?" in ready.text and ready.labels == ["Remover a.pdf", "Remover c.pdf"]
    await ready.say("2")  # the second one of the list shown
    assert ready.paragraphs[0] == "Removi c.pdf." and "1. a.pdf\n" in ready.text
    assert await held_names(ready) == ["a.pdf"]
    await ready.say("remover z.pdf")
    assert "Não encontrei “z.pdf” entre os anexos." in ready.text and ready.labels == ["Remover a.pdf"]
    await ready.say("concluir")  # the list of files asked which; the step's own words still work
    await ready.send(files=[IncomingFile("e.pdf", PDF)])  # at the summary: kept for the demand
    assert "Guardei e.pdf" in ready.text
    await ready.say("remover a.pdf")  # from the summary too
    assert ready.paragraphs[0] == "Removi a.pdf." and "Anexos: e.pdf" in ready.text
    await ready.press("send")
    assert await demand_files(ready) == ["e.pdf"] and await held_names(ready) == []


async def test_a_comment_keeps_its_text_and_good_file_when_another_file_is_refused(ready):
    protocol = await open_demand(ready)
    await ready.say(f"comentar na {protocol}")
    await ready.send(text="Segue a nota de empenho.",
                     files=[IncomingFile("nota.pdf", PDF), IncomingFile("extrato.pdf", PROGRAM)])
    assert ready.paragraphs[0].startswith("O arquivo “extrato.pdf” é um programa executável")
    assert "Comentário registrado" in ready.text
    async with ready.dialogs.store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(await person_id(ready.dialogs.store, ready)), protocol)
    assert latest.kind == EventKind.COMMENT and latest.text == "Segue a nota de empenho."
    assert [a.filename for a in latest.attachments] == ["nota.pdf"]
    assert await held_names(ready) == []


async def test_a_comments_held_file_can_be_removed(ready):
    protocol = await open_demand(ready)
    await ready.say(f"comentar na {protocol}")
    await ready.send(files=[IncomingFile("a.pdf", PDF), IncomingFile("b.png", PNG)])
    assert "Arquivos prontos:\n1. a.pdf\n2. b.png\n" in ready.text and "rmf:ask" in ready.choice_ids
    await ready.say("remover 1")
    assert ready.paragraphs[0] == "Removi a.pdf." and "1. b.png" in ready.text
    await ready.say("Só a foto.")
    async with ready.dialogs.store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(await person_id(ready.dialogs.store, ready)), protocol)
    assert latest.text == "Só a foto." and [a.filename for a in latest.attachments] == ["b.png"]


# --- 6: one rule, each refusal with its real reason ---------------------------------------------------------

async def test_a_file_too_big_is_refused_for_its_size_only_and_never_said_kept(ready):
    await ready.press("menu:new")
    await ready.send(files=[IncomingFile("b15.pdf", sized(PDF, 25 * MB))])  # at the title's question
    said = ready.text
    assert said.startswith("O arquivo “b15.pdf” passa de 20 MB, o limite por arquivo.")
    assert "Guardei" not in said and "10 arquivos" not in said
    assert await held_names(ready) == []


async def test_the_count_and_the_total_are_each_named_when_passed(ready):
    await to_attachments(ready)
    big = sized(PDF, MAX_ATTACHMENT_BYTES)
    await ready.send(files=[IncomingFile(f"{n}.pdf", big) for n in range(1, 4)])
    assert ready.replies[0].text.startswith("Não guardei “3.pdf”: com ele os anexos passariam de 50 MB no total")
    await ready.send(files=[IncomingFile(f"p{n}.pdf", PDF) for n in range(1, 10)])
    assert ready.replies[0].text.startswith("Não guardei “p9.pdf”: cada demanda ou comentário leva até 10 arquivos.")
    assert len(await held_names(ready)) == MAX_ATTACHMENTS_PER_EVENT


async def test_the_rule_reads_the_same_in_the_question_and_the_readme(ready):
    await to_attachments(ready)
    assert "Até 10 arquivos por demanda ou comentário, de até 20 MB cada e 50 MB no total." in ready.text
    readme = " ".join(README.read_text(encoding="utf-8").split())
    each, total = MAX_ATTACHMENT_BYTES // MB, MAX_ATTACHMENTS_TOTAL_BYTES // MB
    rule = f"up to {MAX_ATTACHMENTS_PER_EVENT} files per demand or comment, up to {each} MB each and {total} MB in all"
    assert readme.count(rule) == 2  # the new demand's steps and the limits
    assert "per message" not in readme
