"""Files in Teams: one message with text, a good PDF and a file refused by its content keeps the
text and the good file; only the bad one is refused, by name and with its reason."""

from __future__ import annotations

from fakes.connector import texts
from samples import DRAFT, PDF
from test_teams_demand import first_access

from store import Actor, EventKind


async def test_a_comment_with_text_a_good_pdf_and_a_bad_file_keeps_the_text_and_the_pdf(maria, connector, store):
    await first_access(maria)
    async with store.transaction() as tx:
        person = await tx.person_for_account("teams", "aad-maria")
        protocol = (await tx.open_demand(Actor(person.id), DRAFT)).protocol
    await maria.says(f"comentar na {protocol}")
    good = connector.add_file("nota.pdf", PDF, "application/pdf")
    bad = connector.add_file("extrato.pdf", b"MZ\x90\x00" + bytes(100), "application/pdf")
    replies = await maria.says("Segue a nota de empenho.", attachments=[
        {"contentType": "application/pdf", "contentUrl": good, "name": "nota.pdf"},
        {"contentType": "application/pdf", "contentUrl": bad, "name": "extrato.pdf"}])
    said = texts(replies)
    assert "O arquivo “extrato.pdf” é um programa executável e não pode ser anexado." in said
    assert f"Comentário registrado na demanda {protocol}" in said
    async with store.transaction() as tx:
        [latest, *_] = await tx.timeline(Actor(person.id), protocol)
    assert latest.kind == EventKind.COMMENT and latest.text == "Segue a nota de empenho."
    assert [a.filename for a in latest.attachments] == ["nota.pdf"]
