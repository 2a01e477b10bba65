"""The few sentences the Telegram adapter says on its own (everything else comes from the dialogs)."""

from __future__ import annotations

from telegram import BotCommand

MAX_FILE_MB = 20

_TEXTS: dict[str, dict[str, str]] = {
    "pt-BR": {
        "too_large": "O arquivo “{name}” tem mais de {mb} MB, o limite que o Telegram permite aos bots "
        "baixar. Reduza ou divida o arquivo e envie de novo.",
        "refused": "Não aceito arquivos do tipo “{name}” por segurança. Envie um PDF, uma imagem, "
        "uma planilha ou um documento de texto.",
        "download_failed": "Não consegui baixar o arquivo “{name}”. Tente enviá-lo de novo.",
        "unsupported": "Não consigo tratar {what}. Escreva sua mensagem em texto; arquivos, envie "
        "como documento ou foto.",
        "edited": "Vi que você editou uma mensagem anterior, mas não consigo considerar edições. "
        "Envie o texto corrigido em uma nova mensagem.",
        "stale": "Esses botões são de uma pergunta anterior. Use os da mensagem mais recente ou "
        "escreva sua resposta.",
        "chosen": "Você já escolheu esta opção.",
        "error": "Desculpe, algo deu errado do meu lado. Tente de novo em instantes.",
        "choose": "Escolha uma opção:",
        "voice": "mensagens de voz",
        "audio": "áudios",
        "video": "vídeos",
        "video_note": "vídeos curtos",
        "sticker": "figurinhas",
        "animation": "GIFs",
        "location": "localizações",
        "venue": "locais",
        "contact": "contatos",
        "poll": "enquetes",
        "dice": "dados",
        "other": "esse tipo de mensagem",
    },
    "en": {
        "too_large": "The file “{name}” is larger than {mb} MB, the most Telegram lets bots download. "
        "Please shrink or split it and send it again.",
        "refused": "For safety I don't accept files like “{name}”. Please send a PDF, an image, "
        "a spreadsheet or a text document.",
        "download_failed": "I couldn't download the file “{name}”. Please send it again.",
        "unsupported": "I can't handle {what}. Please write your message as text; send files as a "
        "document or a photo.",
        "edited": "I saw you edited an earlier message, but I can't take edits into account. "
        "Please send the corrected text as a new message.",
        "stale": "These buttons belong to an earlier question. Use the ones in the latest message "
        "or type your answer.",
        "chosen": "You already chose this option.",
        "error": "Sorry, something went wrong on my side. Please try again in a moment.",
        "choose": "Choose an option:",
        "voice": "voice messages",
        "audio": "audio files",
        "video": "videos",
        "video_note": "video notes",
        "sticker": "stickers",
        "animation": "GIFs",
        "location": "locations",
        "venue": "venues",
        "contact": "contacts",
        "poll": "polls",
        "dice": "dice",
        "other": "this kind of message",
    },
}


def text(locale: str, key: str, **values: object) -> str:
    catalogue = _TEXTS["en"] if locale == "en" else _TEXTS["pt-BR"]
    return catalogue[key].format(mb=MAX_FILE_MB, **values)


def locale_of(language_code: str | None) -> str:
    return "en" if (language_code or "").lower().startswith("en") else "pt-BR"


# Shortcuts to the words the dialogs understand at any step ("/menu" reads as "menu").
COMMANDS_PT = [
    BotCommand("menu", "Menu principal"),
    BotCommand("ajuda", "Como usar o bot e o passo atual"),
    BotCommand("voltar", "Voltar um passo, mantendo o que foi digitado"),
    BotCommand("cancelar", "Desistir do que está em andamento"),
]
COMMANDS_EN = [
    BotCommand("menu", "Main menu"),
    BotCommand("ajuda", "How to use the bot and the current step"),
    BotCommand("voltar", "Go back one step, keeping what you typed"),
    BotCommand("cancelar", "Give up what is in progress"),
]
