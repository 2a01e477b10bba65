"""Typed refusals of the store, and every pt-BR sentence the store can say.

All user-facing text of the package lives here, so a reviewer reads (and a translator edits) one
file. ``str(error)`` is the sentence to show the user as is.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .views import EventKind, Status

LOCAL_TZ = ZoneInfo("America/Sao_Paulo")


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TZ).date()


def format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class StoreError(Exception):
    """A refusal the user should read: the message is a complete pt-BR sentence."""

    def __init__(self, message_pt: str):
        super().__init__(message_pt)
        self.message_pt = message_pt

    def __str__(self) -> str:
        return self.message_pt


class DemandNotFound(StoreError):
    """Also raised for a demand the actor may not see, so both look the same."""


class AttachmentNotFound(DemandNotFound):
    pass


class NotAllowed(StoreError):
    pass


class AlreadyAssigned(NotAllowed):
    """Receiving a demand someone else holds; the dialog asks and retries with reassign=True."""

    def __init__(self, message_pt: str, holder_id: int, holder_name: str):
        super().__init__(message_pt)
        self.holder_id = holder_id
        self.holder_name = holder_name


class InvalidTransition(StoreError):
    pass


class ReopenWindowClosed(InvalidTransition):
    pass


class SurveyNotAvailable(StoreError):
    pass


class InvalidField(StoreError):
    def __init__(self, message_pt: str, field: str | None = None):
        super().__init__(message_pt)
        self.field = field


class TooLong(InvalidField):
    def __init__(self, message_pt: str, field: str, limit: int, length: int):
        super().__init__(message_pt, field)
        self.limit = limit
        self.length = length


class AttachmentRejected(StoreError):
    def __init__(self, message_pt: str, filename: str | None = None):
        super().__init__(message_pt)
        self.filename = filename


# --- Sentences of the refusals ------------------------------------------------------------------

FIELD_NAMES = {
    "title": "O título",
    "description": "A descrição",
    "text": "O texto",
    "reason": "O motivo",
    "comment": "O comentário",
    "name": "O nome",
    "cargo": "O cargo",
    "subject_detail": "O assunto",
}


def demand_not_found(protocol: str) -> str:
    return (
        f"Não encontrei a demanda {protocol} entre as que você pode consultar. "
        "Confira o número do protocolo ou veja a lista das suas demandas."
    )


ATTACHMENT_NOT_FOUND = "Não encontrei esse anexo entre os que você pode consultar."


def too_long(field: str, limit: int, length: int) -> str:
    sentence = f"{FIELD_NAMES.get(field, 'O texto')} tem {length} caracteres e o limite é {limit}."
    if field == "description":  # the portal's advice (guide 2.2)
        return sentence + (" Resuma o texto ou envie o restante como comentário depois de "
                           "registrar a demanda.")
    return sentence + " Resuma o texto, por favor."


def required(field: str) -> str:
    return f"{FIELD_NAMES.get(field, 'O texto')} não pode ficar em branco."


def unknown_key(level: str, key: str | None) -> str:
    names = {
        "organ": "órgão",
        "type": "tipo de demanda",
        "category": "categoria",
        "subject": "assunto",
    }
    return f"Não reconheci o {names.get(level, level)} “{key}”. Escolha uma das opções da lista."


SUBJECT_DETAIL_REQUIRED = "Descreva o assunto em poucas palavras."
INVALID_EMAIL = "Esse e-mail não parece válido. Informe um endereço como nome@exemplo.rs.gov.br."
INVALID_PHONE = (
    "Esse telefone não parece válido. Informe o DDD e o número, por exemplo (51) 3214-5200 "
    "ou (51) 99999-8888."
)
INVALID_RATING = "A avaliação deve ser uma nota de 1 a 5."


UNKNOWN_PERSON = "Não encontrei o seu cadastro. Envie uma mensagem para começar de novo."
UNKNOWN_CHAT = "Não encontrei esta conversa. Envie uma mensagem nela e tente de novo."


# The action as a phrase that completes "Não é possível ..." / "Somente ... podem ...".
ACTIONS = {
    EventKind.RECEIVED: "receber a demanda",
    EventKind.ANSWERED: "responder a demanda",
    EventKind.INFO_REQUESTED: "solicitar informações na demanda",
    EventKind.INFO_SENT: "enviar informações na demanda",
    EventKind.COMMENT: "comentar na demanda",
    EventKind.SOLVED: "solucionar a demanda",
    EventKind.CANCELLED: "cancelar a demanda",
    EventKind.REOPENED: "reabrir a demanda",
    EventKind.SURVEY_ANSWERED: "responder a pesquisa de satisfação da demanda",
}

ACTION_BIND_ROOM = "configurar a sala dos atendentes"
ACTION_QUEUE = "ver a fila de demandas"


def attendant_only(action: str) -> str:
    return f"Somente atendentes da CAGE podem {action}."


def requester_only(action: str) -> str:
    return f"Somente quem abriu a demanda pode {action}."


def already_assigned(protocol: str, holder_name: str) -> str:
    return (
        f"A demanda {protocol} já está com {holder_name}. "
        "Confirme se deseja assumi-la mesmo assim."
    )


def already_yours(protocol: str) -> str:
    return f"A demanda {protocol} já está com você."


def not_allowed_now(action: str, protocol: str, status: Status, hint_reopen: bool) -> str:
    sentence = f"Não é possível {action} {protocol}: ela está com status “{status.value}”."
    if status is Status.AGUARDANDO:
        return sentence + " Aguarde o envio das informações solicitadas."
    if hint_reopen and status in (Status.RESOLVIDO, Status.CANCELADO):
        return sentence + (
            " Se ainda precisar de algo, reabra a demanda (até 7 dias após o encerramento) "
            "ou abra uma nova citando este protocolo."
        )
    return sentence


def reopen_not_closed(protocol: str, status: Status) -> str:
    return (
        f"A demanda {protocol} está com status “{status.value}” e não precisa ser reaberta: "
        "você pode enviar um comentário nela."
    )


def reopen_window_closed(protocol: str, closed_on: date, last_day: date) -> str:
    return (
        f"Esta demanda foi encerrada em {format_date(closed_on)} e só podia ser reaberta até "
        f"{format_date(last_day)} (7 dias). Abra uma nova demanda citando o protocolo {protocol}."
    )


def survey_not_available(protocol: str, already_answered: bool) -> str:
    if already_answered:
        return f"A pesquisa de satisfação da demanda {protocol} já foi respondida. Obrigado!"
    return (
        f"A pesquisa de satisfação da demanda {protocol} só está disponível depois que ela é "
        "solucionada."
    )


# Attachments

def attachment_too_big(filename: str, limit_mb: int) -> str:
    return f"O arquivo “{filename}” passa de {limit_mb} MB, o limite por arquivo. Envie um arquivo menor."


def too_many_attachments(limit: int) -> str:
    return (
        f"Cada envio aceita até {limit} arquivos. Envie os demais em um comentário em seguida."
    )


def attachment_empty(filename: str) -> str:
    return f"O arquivo “{filename}” está vazio."


def attachment_executable(filename: str) -> str:
    return (
        f"O arquivo “{filename}” é um programa executável e não pode ser anexado. "
        "Envie documentos (PDF, Word, Excel, OpenDocument, texto, CSV) ou imagens."
    )


def attachment_type_not_allowed(filename: str) -> str:
    return (
        f"O tipo do arquivo “{filename}” não é aceito. Envie documentos (PDF, Word, Excel, "
        "PowerPoint, OpenDocument, texto, CSV) ou imagens (JPG, PNG, GIF, WEBP, BMP, TIFF)."
    )


def attachment_content_mismatch(filename: str) -> str:
    return (
        f"O conteúdo do arquivo “{filename}” não corresponde à extensão do nome. "
        "Confira se é o arquivo certo e envie-o novamente."
    )
