"""Rasa's collected outputs become the widget's one message shape; next-step links join their text."""

from __future__ import annotations

from bot.channels.replies import to_widget_messages


def test_text_buttons_and_links_are_mapped() -> None:
    outputs = [
        {"recipient_id": "x", "text": "Hello"},
        {"recipient_id": "x", "text": "Steps", "buttons": [{"title": "More", "payload": "/more"}]},
        {"recipient_id": "x", "custom": {"links": [{"title": "Call", "url": "tel:+443456000459"}]}},
    ]
    assert to_widget_messages(outputs) == [
        {"text": "Hello", "buttons": [], "links": []},
        {
            "text": "Steps",
            "buttons": [{"title": "More", "payload": "/more"}],
            "links": [{"title": "Call", "url": "tel:+443456000459"}],
        },
    ]


def test_links_with_nothing_before_them_get_their_own_message() -> None:
    outputs = [{"custom": {"links": [{"title": "Site", "url": "https://example.org"}]}}]
    assert to_widget_messages(outputs) == [
        {"text": None, "buttons": [], "links": [{"title": "Site", "url": "https://example.org"}]}
    ]


def test_unknown_and_malformed_outputs_are_dropped() -> None:
    outputs = [
        {"image": "https://example.org/a.png"},
        {"custom": {"something": "else"}},
        {"text": "Hi", "buttons": [{"title": "No payload"}, "junk"]},
        {"custom": {"links": [{"title": "No url"}]}},
    ]
    assert to_widget_messages(outputs) == [{"text": "Hi", "buttons": [], "links": []}]
