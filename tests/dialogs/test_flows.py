"""The flows' tables, their states as stored, and the choice ids: the contracts other parts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialogs import choice_ids as ids
from dialogs import load_state
from dialogs.handler import FLOWS, ROUTE, save_state
from dialogs.states import (AttendantState, Draft, FollowState, InvalidState, MenuState, NewDemandState,
                            ProfileState)
from store.pending import HeldFile
from taxonomy import default_taxonomy

DOCS = Path(__file__).resolve().parents[2] / "docs" / "flows"
DOC_OF = {"menu": "menu.md", "new": "new_demand.md", "follow": "follow.md", "profile": "profile.md",
          "att": "attendant.md"}


def test_every_flow_is_routed_once_attendants_first_and_returns_to_a_flow():
    # A requester's pending step is asked first only to say that it was left (it never takes a
    # message); then the attendants' commands, cards and rooms.
    assert [flow.name for flow in ROUTE][:2] == ["follow", "att"]
    assert sorted(FLOWS) == sorted(DOC_OF) and len(ROUTE) == len(FLOWS)
    for flow in ROUTE:
        assert flow.state.FLOW == flow.name and flow.returns_to in FLOWS


@pytest.mark.parametrize("name", sorted(DOC_OF))
def test_each_flow_has_its_diagram_naming_its_steps(name):
    text = (DOCS / DOC_OF[name]).read_text(encoding="utf-8")
    assert "```mermaid" in text
    for step in FLOWS[name].steps:
        assert step in text, f"{step} missing from {DOC_OF[name]}"


STATES = [
    MenuState(demand="CAGE-00001-A1B2"),
    NewDemandState(step="summary", editing=True, draft=Draft(
        done=("title", "organ"), title="T", organ_key="sefaz", type_key="servicos",
        category_key="srv-execucao-despesa", subject_key="liberar-liquidacao", description="d",
        files=(HeldFile(id=7, filename="nota.pdf", size=1200, content_type="application/pdf"),))),
    NewDemandState(step="description", long_text="x" * 3000),
    FollowState(step="rating_comment", demand="CAGE-00001-A1B2", rating=4),
    FollowState(step="list", open_only=True, page=2),
    ProfileState(step="email", first=True, then_text="preciso de ajuda"),
    AttendantState(step="text", action="ans", protocol="CAGE-00001-A1B2",
                   files=(HeldFile(id=3, filename="a.png", size=10),)),
]


@pytest.mark.parametrize("state", STATES, ids=lambda state: f"{state.FLOW}.{state.step}")
def test_a_state_is_stored_as_readable_json_and_read_back_the_same(state):
    stored = json.loads(json.dumps(save_state(state, (("menu", "Voltar ao menu"),))))
    assert stored["flow"] == state.FLOW and stored["step"] == state.step
    assert load_state(stored, default_taxonomy()) == (state, (("menu", "Voltar ao menu"),))


@pytest.mark.parametrize("stored", [
    {"flow": "new", "step": "title", "draft": {"done": "title"}},
    {"flow": "new", "step": "title", "draft": {"files": [{"filename": "a", "data": "QUJD"}]}},  # base64 of old
    {"flow": "follow", "step": "rating_comment", "demand": "CAGE-00001-A1B2", "rating": 9},
    {"flow": "att", "step": "text", "protocol": "CAGE-00001-A1B2", "action": "drop"},
    {"flow": "att", "step": "which"},
    {"flow": "menu", "step": "menu", "page": "1"},
    {"flow": "menu", "step": "menu", "shown": [["menu"]]},
])
def test_a_state_that_cannot_be_continued_is_refused_by_its_loader(stored):
    with pytest.raises(InvalidState):
        load_state(stored, default_taxonomy())


def test_choice_ids_are_read_back_as_built_and_fit_telegram():
    protocol = "CAGE-1234567-T2D3"
    assert ids.demand_action_of(ids.demand_action("tl", protocol)) == ("tl", protocol)
    assert ids.attendant_action_of(ids.attendant_action("recv", protocol)) == ("recv", protocol)
    assert ids.attendant_action_of(ids.attendant_action("queue", 2)) == ("queue", "2")
    assert ids.menu_item_of(ids.menu_item("new")) == "new"
    assert ids.option_of(ids.option("type", "servicos"), "type") == "servicos"
    assert ids.option_of(ids.option("type", "servicos"), "cat") is None
    assert ids.rating_of(ids.rating(5)) == "5" and ids.profile_field_of(ids.profile_field("email")) == "email"
    assert ids.edit_field_of(ids.edit_field("desc")) == "desc" and ids.which_action_of(ids.which_action("sol")) == "sol"
    # The strings themselves are a contract with old messages and the outbox.
    assert [ids.demand_action("show", protocol), ids.attendant_action("card", protocol), ids.menu_item("all")] == [
        f"dm:show:{protocol}", f"atd:card:{protocol}", "menu:all"]
    assert ids.is_global("menu") and ids.is_global(f"dm:com:{protocol}") and not ids.is_global("pg:next")
    assert len(ids.attendant_action("files", protocol).encode()) <= 64
