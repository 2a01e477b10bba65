"""The conversation: channel-neutral dialogs that turn one incoming message into replies."""

from dialogs.handler import Dialogs, load_state
from dialogs.messages import Choice, Incoming, IncomingFile, Listing, Outgoing, OutgoingFile

__all__ = ["Choice", "Dialogs", "Incoming", "IncomingFile", "Listing", "Outgoing", "OutgoingFile", "load_state"]
