"""Talk to a running Reclaim bot in the terminal, over the REST channel (`make chat`).

Buttons are shown numbered: type the number to press one, or type anything else.
"""

from __future__ import annotations

import os
import uuid

import httpx


def show(replies: list[dict]) -> list[dict]:
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            print(f"\nReclaim: {reply['text']}")
        for button in reply.get("buttons") or []:
            buttons.append(button)
            print(f"  [{len(buttons)}] {button['title']}")
    return buttons


def main() -> None:
    url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}/webhooks/rest/webhook"
    sender = f"terminal-{uuid.uuid4().hex}"
    buttons: list[dict] = []
    print("Type a message, a button number, or Ctrl-D to leave.")
    message = "hi"
    while True:
        try:
            replies = httpx.post(url, json={"sender": sender, "message": message}, timeout=30).json()
        except httpx.TransportError:
            raise SystemExit(f"Could not reach the bot at {url}: is `make run` running?") from None
        buttons = show(replies)
        try:
            typed = input("\nYou: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        message = buttons[int(typed) - 1]["payload"] if typed.isdigit() and 0 < int(typed) <= len(buttons) else typed


if __name__ == "__main__":
    main()
