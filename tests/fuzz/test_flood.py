"""The flood guard: a person (or a script) sending too fast gets one polite answer, then silence,
and none of the dropped messages reaches the dialogs or the store."""

from __future__ import annotations

from bot.contract import Conversation
from bot.flood import FloodGuard
from dialogs import Dialogs, Incoming, Outgoing
from dialogs.texts import Texts
from taxonomy import default_taxonomy

SLOW_DOWN = Texts("pt-BR")("flood.slow_down")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Stands in for the dialogs to count what gets through."""

    def __init__(self) -> None:
        self.seen: list[Incoming] = []
        self.sent: list[tuple[str, str, str, Outgoing]] = []

    async def handle(self, incoming: Incoming, *, waiting=None) -> list[Outgoing]:
        self.seen.append(incoming)
        return [Outgoing(text=f"eco: {incoming.text}")]

    async def remember_sent(self, channel: str, chat_id: str, message_id: str, outgoing: Outgoing) -> None:
        self.sent.append((channel, chat_id, message_id, outgoing))

    def keeps_choices(self, choice: str) -> bool:
        return choice == "keep-me"


def message(text: str, user: str = "u1", channel: str = "telegram", locale: str = "pt-BR") -> Incoming:
    return Incoming(channel=channel, chat_id=f"chat-{user}", user_id=user, user_name="Maria", text=text,
                    locale=locale)


async def test_a_burst_passes_then_one_polite_answer_then_silence_until_the_window_passes():
    clock, inner = Clock(), Recorder()
    guard = FloodGuard(inner, burst=5, window=10, clock=clock)
    answers = [await guard.handle(message(f"m{i}")) for i in range(9)]
    assert [a[0].text for a in answers[:5]] == [f"eco: m{i}" for i in range(5)]
    assert [a.text for a in answers[5]] == [SLOW_DOWN]
    assert answers[6:] == [[], [], []]
    assert len(inner.seen) == 5 and guard.limited("telegram", "u1")
    clock.now += 9.9
    assert await guard.handle(message("ainda cedo")) == []
    clock.now += 0.2
    assert not guard.limited("telegram", "u1")
    assert [o.text for o in await guard.handle(message("voltei"))] == ["eco: voltei"]
    # A whole window of quiet refills the bucket: a full burst passes again.
    clock.now += 10
    assert [(await guard.handle(message("x")))[0].text for _ in range(5)] == ["eco: x"] * 5


async def test_a_steady_pace_under_the_rate_is_never_limited():
    clock, inner = Clock(), Recorder()
    guard = FloodGuard(inner, burst=3, window=3, clock=clock)  # one message per second, sustained
    for i in range(50):
        assert (await guard.handle(message(str(i))))[0].text == f"eco: {i}"
        clock.now += 1.01
    assert len(inner.seen) == 50


async def test_people_and_channels_have_their_own_buckets():
    clock, inner = Clock(), Recorder()
    guard = FloodGuard(inner, burst=2, window=10, clock=clock)
    for _ in range(3):
        await guard.handle(message("x", user="flooder"))
    assert guard.limited("telegram", "flooder")
    assert (await guard.handle(message("oi", user="calm")))[0].text == "eco: oi"
    assert (await guard.handle(message("oi", user="flooder", channel="teams")))[0].text == "eco: oi"
    assert await guard.handle(message("x", user="flooder")) == []


async def test_the_polite_answer_speaks_the_persons_language():
    guard = FloodGuard(Recorder(), burst=1, window=10, clock=Clock())
    await guard.handle(message("hi", locale="en"))
    [answer] = await guard.handle(message("hi again", locale="en"))
    assert answer.text == Texts("en")("flood.slow_down") != SLOW_DOWN


async def test_channels_still_reach_everything_the_contract_offers():
    inner = Recorder()
    guard = FloodGuard(inner, burst=1, window=10, clock=Clock())
    assert isinstance(guard, Conversation)
    await guard.handle(message("x"))
    await guard.handle(message("y"))  # the bucket is empty, yet what was sent is still reported
    card = Outgoing(text="📄 CAGE-00001-B3N4", demand="CAGE-00001-B3N4")
    await guard.remember_sent("telegram", "chat-u1", "7", card)
    assert inner.sent == [("telegram", "chat-u1", "7", card)]
    assert guard.keeps_choices("keep-me") and not guard.keeps_choices("menu:new")


async def test_in_front_of_the_real_dialogs_a_flood_leaves_the_store_untouched(sqlite_store):
    clock = Clock()
    guard = FloodGuard(Dialogs(sqlite_store, default_taxonomy()), burst=3, window=10, clock=clock)
    for _ in range(3):
        assert await guard.handle(message("menu"))
    async with sqlite_store.transaction() as tx:
        before = await tx.load_conversation("telegram", "chat-u1", "u1")
    [polite] = await guard.handle(message("nova demanda"))
    assert polite.text == SLOW_DOWN and not polite.choices
    assert await guard.handle(message("nova demanda")) == []
    async with sqlite_store.transaction() as tx:
        assert await tx.load_conversation("telegram", "chat-u1", "u1") == before
    clock.now += 10
    replies = await guard.handle(message("nova demanda"))
    assert replies and SLOW_DOWN not in replies[0].text
