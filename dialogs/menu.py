"""The menu and everything a person may type outside a question: protocols, sentences, needs."""

from __future__ import annotations

from dialogs import choice_ids as ids
from dialogs import describing, follow, identity, new_demand, profile, words
from dialogs.flow import Flow, Reply, Step, Turn, menu_choices
from dialogs.states import MENU, FollowState, MenuState
from store import find_protocols, parse_protocol

# Sentences shorter than this are not taken for the description of a need.
MIN_NEED_WORDS = 3
MAX_NUMBER_SEARCH_PAGES = 20
COURTESIES = frozenset({"thanks", "goodbye"})
INTENT_ACTIONS = (("timeline", "tl"), ("cancel", "can"), ("reopen", "reo"), ("comment", "com"), ("survey", "srv"))


async def ask_menu(turn: Turn) -> None:
    turn.say("menu.question", choices=menu_choices(turn.t))


async def answer_menu(turn: Turn, reply: Reply) -> None:
    if reply.choice:
        turn.say("stale")
        return await turn.menu()
    await understand(turn, reply.text)


async def open_item(turn: Turn, item: str) -> None:
    """What each menu button (and its words) does."""
    if item == "new":
        if not profile.complete(turn.person):
            turn.say("profile.needed")
            return await profile.start_first_access(turn, then_new_demand=True)
        return await new_demand.start(turn)
    if item in ("open", "all"):
        return await follow.start_list(turn, open_only=item == "open")
    if item == "lookup":
        if await identity.stops(turn):
            return
        return await turn.start(FollowState(step="lookup"))
    if item == "profile":
        return await profile.view(turn)
    turn.say("help.general")
    await turn.menu()


async def resume(turn: Turn, new_demand_wanted: bool, text: str | None) -> None:
    """Carry on with what the person wanted before the profile was asked."""
    if new_demand_wanted:
        return await new_demand.start(turn)
    if text:
        await turn.menu(None)
        return await understand(turn, text)
    await turn.menu()


async def find_by_number(turn: Turn, number: str) -> str | None:
    """A protocol of the person's own demands whose sequence number is `number` ("andamento da 08336")."""
    wanted = int(number)
    for page_number in range(1, MAX_NUMBER_SEARCH_PAGES + 1):
        page = await turn.tx.list_demands(turn.actor, False, page=page_number, page_size=50)
        for item in page.items:
            if int(item.protocol.split("-")[1]) == wanted:
                return item.protocol
        if page_number >= page.pages:
            break
    return None


async def protocol_in(turn: Turn, text: str) -> str | None:
    """The protocol a message names, typed loosely or as the bare number of one of one's demands."""
    found = find_protocols(text) or [p for p in [parse_protocol(text)] if p]
    if found:
        return found[0]
    for number in words.bare_numbers(text)[:3]:
        protocol = await find_by_number(turn, number)
        if protocol:
            return protocol
    return None


def looks_like_need(text: str) -> bool:
    return len(text.split()) >= MIN_NEED_WORDS and sum(ch.isalpha() for ch in text) >= 12


async def understand(turn: Turn, text: str) -> None:
    """Free text outside a question: a protocol, a known request, a need, or "não entendi".

    A short message may be a menu word ("consultar", "cadastro"); a whole sentence is read as
    what it is (words.sentence_intents): a question about a demand, or a need."""
    text = text.strip()
    if not text:
        return await turn.menu()
    protocol = await protocol_in(turn, text)
    if protocol:  # the sentence is about that demand: what it asks is done to it
        intents = words.intents(text)
        action = next((act for intent, act in INTENT_ACTIONS if intent in intents), "show")
        return await follow.act(turn, action, protocol)
    sentence = looks_like_need(text)
    intents = words.sentence_intents(text) if sentence else words.intents(text)
    numbers = words.bare_numbers(text)
    if numbers and ("status" in intents or words.bare(text) == numbers[0]):
        await turn.menu(None)
        turn.say("follow.number_not_found", number=numbers[0], choices=[
            turn.choice(ids.menu_item("open"), "menu.open"), turn.choice(ids.menu_item("all"), "menu.all"),
            turn.choice(ids.MENU, "menu.back")])
        return
    if intents and intents <= COURTESIES:  # "obrigada, era isso", "valeu, tchau"
        turn.say("menu.goodbye" if "goodbye" in intents else "menu.thanks")
        return await turn.menu(None)
    if intents == {"help"}:  # "como funciona?", "what can you do?"
        return await open_item(turn, "help")
    # "all my tickets" also says "my tickets": the wider list is the one asked for
    for intent, item in (("new", "new"), ("all_list", "all"), ("open_list", "open"), ("profile", "profile")):
        if intent in intents:
            return await open_item(turn, item)
    context = turn.state.demand if isinstance(turn.state, MenuState) else None
    wanted = next((act for intent, act in INTENT_ACTIONS if intent in intents), None)
    if wanted and context:
        return await follow.act(turn, wanted, context)
    if wanted or "status" in intents:  # "quero cancelar uma demanda": which one?
        return await turn.start(FollowState(step="lookup", then=wanted or "show"))
    if sentence:  # a need, classified or not: offered as a new demand with the text as its description
        if not profile.complete(turn.person):
            turn.say("profile.needed")
            return await profile.start_first_access(turn, then_text=text)
        return await describing.propose(turn, text, turn.taxonomy.propose(text[:5000]))
    turn.say("menu.not_understood")
    await turn.menu()


async def welcome(turn: Turn, text: str = "", is_greeting: bool = True) -> None:
    """Introduce the bot; ask the profile if it is missing, keeping what was asked."""
    name = getattr(turn.person, "name", "") or turn.incoming.user_name
    turn.say("welcome", name=name)
    if not profile.complete(turn.person):
        turn.say("profile.first")
        return await profile.start_first_access(turn, then_text=None if is_greeting else text)
    if is_greeting or not text.strip():
        return await turn.menu()
    await turn.menu(None)
    await understand(turn, text)


# --- what the router asks the menu ------------------------------------------------------------------

async def takes(turn: Turn) -> bool:
    """A first message, and a conversation whose stored state could not be continued."""
    incoming = turn.incoming
    if turn.first_contact and not incoming.choice:
        text = words.clean(incoming.text)
        if incoming.files and not text.strip():
            turn.say("files.where")
            await welcome(turn)
        else:
            await welcome(turn, text, is_greeting=words.global_word(text) is not None or not text.strip())
        return True
    if turn.lost_state:
        turn.say("state.reset")
        await turn.menu()
        return True
    return False


async def takes_choice(turn: Turn, choice: str) -> bool:
    """The menu's items, "menu", "help" and a new sign-in link answer from any step."""
    if choice == ids.MENU:
        await turn.menu()
    elif choice == ids.HELP:
        turn.say(turn.step.help)
        await turn.ask()
    elif (item := ids.menu_item_of(choice)) is not None:
        await open_item(turn, item)
    elif choice == ids.SIGN_IN:
        await identity.explain(turn)
    else:
        return False
    return True


async def cancel(turn: Turn) -> None:
    await turn.menu("nothing_to_cancel")


STEPS = {
    MENU: Step(ask=ask_menu, answer=answer_menu, help="help.general"),
}
FLOW = Flow(name=MENU, state=MenuState, steps=STEPS, returns_to=MENU, cancel=cancel,
            takes=takes, takes_choice=takes_choice)
