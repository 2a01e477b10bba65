"""Timeline pushes: the notifier delivers every outbox row to its chat, once, in order.

    python -m bot notifier        (also started by plain ``python -m bot``)
"""

from .beside import deliver_shell_pushes
from .core import Notifier
from .rendering import render
from .senders import SENDERS, ChatGoneError, PermanentSendError, Sender, TransientSendError

__all__ = ["SENDERS", "ChatGoneError", "Notifier", "PermanentSendError", "Sender", "TransientSendError",
           "deliver_shell_pushes", "render"]
