"""The conversation: channel-neutral dialogs that turn one incoming message into replies."""

from dialogs.handler import Dialogs, valid_state
from dialogs.messages import Choice, Incoming, IncomingFile, Outgoing, OutgoingFile

__all__ = ["Choice", "Dialogs", "Incoming", "IncomingFile", "Outgoing", "OutgoingFile", "valid_state"]
