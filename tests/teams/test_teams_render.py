"""How Outgoing looks on Teams, rule by rule (no network: render only builds activities)."""

from __future__ import annotations

from bot.teams.render import ADAPTIVE_CARD, render, render_replies
from dialogs import Choice, Listing, Outgoing, OutgoingFile

PAGE = [Choice(f"c{n}", f"Opção {n}") for n in range(1, 9)]
NAV = [Choice("prev", "◀ Anteriores", turns_page=True), Choice("next", "Mais ▶", turns_page=True)]


def card(outgoing: Outgoing) -> dict:
    (activity,) = render(outgoing)
    (attachment,) = activity.attachments
    assert attachment.content_type == ADAPTIVE_CARD
    return attachment.content


def test_plain_text_is_markdown_with_what_people_typed_escaped():
    (activity,) = render(Outgoing("Título: *urgente* <b>já</b> _x_ [link](http://e)\nsegunda linha"))
    assert activity.text_format == "markdown"
    assert activity.text == (r"Título: \*urgente\* &lt;b&gt;já&lt;/b&gt; \_x\_ \[link\](http://e)"
                             "<br>segunda linha")


def test_up_to_six_choices_are_universal_action_buttons_with_a_submit_fallback():
    content = card(Outgoing("Confirmar?", choices=(Choice("yes", "Sim"), Choice("no", "Não"))))
    assert content["version"] == "1.5"
    assert [b["text"] for b in content["body"]] == ["Confirmar?"]
    submit_yes = {"type": "Action.Submit", "title": "Sim", "data": {"choice": "yes"}, "associatedInputs": "none"}
    assert content["actions"][0] == {**submit_yes, "type": "Action.Execute", "verb": "choice", "fallback": submit_yes}
    assert [a["fallback"]["data"] for a in content["actions"]] == [{"choice": "yes"}, {"choice": "no"}]
    six = card(Outgoing("Qual?", choices=tuple(PAGE[:6])))
    assert [a["title"] for a in six["actions"]] == [c.label for c in PAGE[:6]]


def test_the_buttons_of_a_demand_name_it():
    content = card(Outgoing("Demanda", choices=(Choice("att:recv", "Receber"),), demand="CAGE-00001-B3N4"))
    assert content["actions"][0]["data"] == {"choice": "att:recv", "demand": "CAGE-00001-B3N4"}


def test_what_people_typed_starts_no_html_tag_in_a_card():
    content = card(Outgoing("Título: <b>já</b> *x*", choices=(Choice("m", "Menu"),)))
    assert content["body"][0]["text"] == "Título: <\u2060b>já<\u2060/b> \\*x\\*"


def test_longer_lists_are_a_filtered_choice_set_and_page_turns_stay_buttons():
    content = card(Outgoing("Qual é a categoria?", choices=tuple(PAGE + NAV)))
    (choice_set,) = [item for item in content["body"] if item["type"] == "Input.ChoiceSet"]
    assert choice_set["id"] == "choice" and choice_set["style"] == "filtered"
    assert [c["value"] for c in choice_set["choices"]] == [c.id for c in PAGE]
    submit, *turns = content["actions"]
    assert submit["data"] == {} and submit["title"] == "Escolher" and submit["fallback"]["type"] == "Action.Submit"
    assert [(t["title"], t["data"], t["associatedInputs"]) for t in turns] == [
        ("◀ Anteriores", {"choice": "prev"}, "none"), ("Mais ▶", {"choice": "next"}, "none")]


def test_a_page_of_a_long_list_shows_the_whole_list_without_pages():
    whole = tuple(Choice(f"c{n}", f"Opção {n}") for n in range(1, 31))
    keep = Choice("keep", "Manter")
    content = card(Outgoing("Qual é a categoria?\n(página 1 de 4)", choices=tuple(PAGE) + (keep, NAV[1]),
                            listing=Listing(text="Qual é a categoria?", options=whole)))
    (choice_set,) = [item for item in content["body"] if item["type"] == "Input.ChoiceSet"]
    assert [c["value"] for c in choice_set["choices"]] == [c.id for c in whole]
    assert choice_set["style"] == "filtered"
    assert [block["text"] for block in content["body"] if block["type"] == "TextBlock"] == ["Qual é a categoria?"]
    assert [(a["title"], a["data"]) for a in content["actions"]] == [("Escolher", {}), ("Manter", {"choice": "keep"})]


def test_a_page_turn_is_told_by_its_field_not_by_its_label():
    arrows = Choice("c9", "▶ Opção com seta"), Choice("more", "Seguinte", turns_page=True)
    content = card(Outgoing("Qual?", choices=tuple(PAGE) + arrows))
    (choice_set,) = [item for item in content["body"] if item["type"] == "Input.ChoiceSet"]
    assert [c["value"] for c in choice_set["choices"]][-1] == "c9"
    assert [a["title"] for a in content["actions"]] == ["Escolher", "Seguinte"]


def test_english_cards_speak_english():
    content = render(Outgoing("Which?", choices=tuple(PAGE)), "en")[0].attachments[0].content
    assert content["actions"][0]["title"] == "Choose"


def test_records_become_facts_and_events_with_the_rest_of_the_text_kept():
    record = {"kind": "demand", "protocol": "CAGE-00001-B3N4", "title": "T",
              "fields": [["Situação", "Em Andamento"], ["Órgão", "SEFAZ"]],
              "events": [{"when": "03/02/2025 10:00", "title": "Demanda criada", "author": "Maria",
                          "text": "", "attachments": ["nota.pdf"]}]}
    text = ("📄 CAGE-00001-B3N4 — T\nSituação: Em Andamento\nÓrgão: SEFAZ\n\nÚltimos eventos:\n"
            "• 03/02/2025 10:00 — Demanda criada (Maria)\n\nHá uma pesquisa de satisfação pendente.")
    content = card(Outgoing(text, card=record, choices=(Choice("menu", "Menu"),)))
    kinds = [item["type"] for item in content["body"]]
    assert kinds == ["TextBlock", "FactSet", "TextBlock", "TextBlock", "Container"]
    assert content["body"][2]["text"] == "Há uma pesquisa de satisfação pendente."
    assert content["body"][3]["text"] == "Últimos eventos:"
    assert content["body"][4]["items"][-1]["text"] == "📎 nota.pdf"


def test_the_pieces_of_a_long_timeline_are_not_repeated_under_its_card():
    record = {"kind": "timeline", "protocol": "CAGE-00001-B3N4",
              "events": [{"when": "w", "title": "Resposta", "author": "Caio", "text": "x", "attachments": []}]}
    replies = [Outgoing("Linha do tempo\n\n• w — Resposta (Caio): x", card=record),
               Outgoing("• w — Comentário (Maria): y"), Outgoing("O que deseja fazer?", choices=(Choice("m", "Menu"),))]
    activities = render_replies(replies)
    assert len(activities) == 2


def test_images_go_inline_and_other_files_are_named():
    activities = render(Outgoing("", files=(OutgoingFile("a.png", b"\x89PNG", "image/png"),
                                            OutgoingFile("b.pdf", b"%PDF", "application/pdf"))))
    image, note = activities
    assert image.attachments[0].content_url.startswith("data:image/png;base64,")
    assert "b.pdf" in note.text


def test_a_records_actions_are_buttons_however_many():
    record = {"kind": "draft", "fields": [["Título", "T"]]}
    actions = tuple(Choice(f"a{n}", f"Ação {n}") for n in range(9))
    content = card(Outgoing("Confira:\nTítulo: T", card=record, choices=actions))
    assert not [item for item in content["body"] if item["type"] == "Input.ChoiceSet"]
    assert [a["title"] for a in content["actions"]] == [c.label for c in actions]


def test_a_survey_answer_in_a_timeline_shows_its_rating():
    record = {"kind": "timeline", "protocol": "CAGE-00001-B3N4",
              "events": [{"when": "w", "title": "Pesquisa respondida", "author": "Maria", "text": "Rápido",
                          "attachments": [], "rating": 4}]}
    content = card(Outgoing("Linha do tempo", card=record))
    heading, comment = content["body"][-1]["items"]
    assert heading["text"] == "w — Pesquisa respondida 4/5 (Maria)" and comment["text"] == "Rápido"
