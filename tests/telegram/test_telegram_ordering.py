"""Updates of one chat run one after another, in order; different chats run at the same time."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.channels import ChatLocks
from bot.telegram.channel import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, date=None, chat=chat, text="x"))


async def test_one_chat_in_order_other_chats_concurrently():
    locks = ChatLocks()
    processor = PerChatUpdateProcessor(locks, max_concurrent_updates=16)
    log: list[tuple[str, int, int]] = []
    running: set[int] = set()
    overlap_between_chats = False

    async def work(chat_id: int, n: int, delay: float) -> None:
        nonlocal overlap_between_chats
        assert chat_id not in running, "two updates of one chat ran at once"
        if running:
            overlap_between_chats = True
        running.add(chat_id)
        log.append(("start", chat_id, n))
        await asyncio.sleep(delay)
        log.append(("end", chat_id, n))
        running.discard(chat_id)

    # As PTB does: one task per update, created in arrival order. The first update of chat 1 is
    # the slowest, so without the lock its later updates would overtake it.
    tasks = []
    for n, (chat_id, delay) in enumerate([(1, 0.2), (2, 0.01), (1, 0.0), (2, 0.05), (1, 0.01)]):
        update = update_in(chat_id, n)
        tasks.append(asyncio.create_task(processor.process_update(update, work(chat_id, n, delay))))
    await asyncio.gather(*tasks)

    starts = [(chat, n) for kind, chat, n in log if kind == "start"]
    assert [n for chat, n in starts if chat == 1] == [0, 2, 4]
    assert [n for chat, n in starts if chat == 2] == [1, 3]
    assert overlap_between_chats
    # Chat 2 finished everything while chat 1's first update was still running.
    assert log.index(("end", 2, 3)) < log.index(("end", 1, 0))
    assert len(locks) == 0  # no lock left behind for idle chats
