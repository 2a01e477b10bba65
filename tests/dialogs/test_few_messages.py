"""A turn's replies in as few messages as they read well (dialogs.messages.in_few_messages): a
text alone opens the reply after it, never a card nor a message that shows a demand."""

from __future__ import annotations

from dialogs.messages import Choice, Listing, Outgoing, in_few_messages
from dialogs.render import MAX_TEXT

QUESTION = Outgoing("Qual é o serviço?", choices=(Choice("sub:a", "A"), Choice("sub:b", "B")))


def test_a_text_alone_opens_the_question_after_it():
    [joined] = in_few_messages([Outgoing("✔ Execução da Despesa"), QUESTION])
    assert joined.text == "✔ Execução da Despesa\n\nQual é o serviço?"
    assert joined.choices == QUESTION.choices


def test_notes_in_a_row_all_open_the_question():
    notes = [Outgoing(f"Não guardei “foto-{n}.png”.") for n in range(3)]
    [joined] = in_few_messages([*notes, QUESTION])
    assert joined.text.split("\n\n") == [note.text for note in notes] + [QUESTION.text]


def test_a_page_of_a_long_list_carries_the_note_in_its_whole_list_too():
    page = Outgoing("Qual é o órgão? (1/3)", choices=QUESTION.choices,
                    listing=Listing("Qual é o órgão?", QUESTION.choices))
    [joined] = in_few_messages([Outgoing("✔ SEFAZ"), page])
    assert joined.text == "✔ SEFAZ\n\nQual é o órgão? (1/3)" and joined.listing.text == "✔ SEFAZ\n\nQual é o órgão?"


def test_a_card_or_a_message_showing_a_demand_keeps_its_own_message():
    for shown in (Outgoing("CAGE-00001-A0B0", card={"kind": "demand"}), Outgoing("Demanda criada", demand="CAGE-00001-A0B0")):
        assert in_few_messages([Outgoing("Ajuda do passo."), shown]) == [Outgoing("Ajuda do passo."), shown]


def test_what_has_buttons_files_or_another_sound_is_not_folded_into_the_next():
    buttons = Outgoing("Confirmar?", choices=(Choice("yes", "Sim"),))
    assert in_few_messages([buttons, QUESTION]) == [buttons, QUESTION]
    silent = Outgoing("Nota da noite.", silent=True)
    assert in_few_messages([silent, QUESTION]) == [silent, QUESTION]


def test_what_would_pass_one_message_stays_apart():
    long = Outgoing("x" * (MAX_TEXT - len(QUESTION.text)))
    assert in_few_messages([long, QUESTION]) == [long, QUESTION]
    assert in_few_messages([]) == []


async def test_a_newcomers_greeting_and_first_question_are_one_message(conv):
    await conv.say("oi")
    [reply] = conv.replies
    assert reply.text.startswith("Olá") and len(conv.paragraphs) >= 2
