"""Rendering rules that need no server: escaping, protocols, splitting, keyboards."""

from __future__ import annotations

import pytest

from bot.telegram.render import (
    MAX_MESSAGE_LENGTH,
    check_callback_data,
    keyboard,
    press_of,
    split_text,
    to_html,
    utf16_length,
)
from bot.telegram.send import file_url_for
from dialogs import Choice


def test_user_text_is_escaped_and_protocols_are_code():
    html = to_html('Título <script>alert("x")</script> & CAGE-08336-T2D3')
    assert html == 'Título &lt;script&gt;alert("x")&lt;/script&gt; &amp; <code>CAGE-08336-T2D3</code>'


def test_long_text_splits_on_line_boundaries_within_the_limit():
    lines = [f"Linha {i:04d} com CAGE-{i:05d}-A1B2 e um pouco de texto para encher" for i in range(200)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(utf16_length(p) <= MAX_MESSAGE_LENGTH for p in pieces)
    # Nothing lost, nothing cut inside a line.
    assert "\n".join(pieces).split("\n") == lines


def test_split_counts_emoji_as_telegram_does():
    text = "😀" * 3000  # 6,000 UTF-16 units, no place to break
    pieces = split_text(text)
    assert [utf16_length(p) for p in pieces] == [4096, 6000 - 4096]
    assert "".join(pieces) == text


def test_short_text_is_one_piece():
    assert split_text("Olá") == ["Olá"]


def test_short_labels_go_two_per_row_with_the_ids_as_callback_data():
    choices = [Choice("servicos", "Serviços"), Choice("orientacao", "Orientação"), Choice("sistemas", "Sistemas")]
    rows = keyboard(choices).inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("Serviços", "servicos"), ("Orientação", "orientacao")], [("Sistemas", "sistemas")],
    ]


def test_a_page_of_a_long_list_keeps_its_navigation_together():
    # As the dialogs send page 2 of the organ list: 8 entries, then the page turns.
    entries = [Choice(f"organ:{i}", f"Secretaria número {i} do Estado") for i in range(8, 16)]
    nav = [Choice("page:prev", "◀ Anteriores", turns_page=True), Choice("page:next", "Mais ▶", turns_page=True)]
    rows = keyboard(entries + nav).inline_keyboard
    assert len(rows) == 9 and all(len(row) == 1 for row in rows[:8])
    assert [b.text for b in rows[-1]] == ["◀ Anteriores", "Mais ▶"]


def test_dialog_navigation_choices_share_the_last_row():
    choices = [Choice("a", "Uma opção bem comprida que ocupa a linha"), Choice("b", "Outra opção também longa"),
               Choice("nav:prev", "◀ Anteriores", turns_page=True), Choice("nav:next", "Próximas ▶", turns_page=True)]
    rows = keyboard(choices).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [
        ["Uma opção bem comprida que ocupa a linha"], ["Outra opção também longa"],
        ["◀ Anteriores", "Próximas ▶"],
    ]


def test_a_page_turn_is_told_by_its_field_and_its_press_gives_back_the_dialogs_id():
    choices = [Choice("a", "▶ Começar"), Choice("pg:next", "Seguinte", turns_page=True)]
    rows = keyboard(choices).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["▶ Começar"], ["Seguinte"]]
    plain, page_turn = rows[0][0].callback_data, rows[1][0].callback_data
    assert plain == "a" and press_of(plain).choice == "a" and not press_of(plain).turns_page
    assert press_of(page_turn).choice == "pg:next" and press_of(page_turn).turns_page


def test_callback_data_over_64_bytes_is_refused():
    with pytest.raises(ValueError):
        check_callback_data("x" * 65)


def test_file_url_matches_the_api_url():
    assert file_url_for("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url_for("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"
