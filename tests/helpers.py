"""Helpers for talking to the bot's core in tests, as a person would."""

from __future__ import annotations

from bot.app import RecoveryBot
from bot.engine.messages import Inbound, InboundKind, Outbound


class Person:
    """One person talking to the core: send text, press buttons by label."""

    def __init__(self, core: RecoveryBot, name: str = "sam") -> None:
        self.core = core
        self.key = f"console:{name}"
        self.last: list[Outbound] = []
        self.buttons: dict[str, str] = {}

    async def say(self, text: str) -> list[Outbound]:
        """Type a message."""
        return await self._send(Inbound(self.key, self.core.clock.now(), text=text))

    async def press(self, label: str) -> list[Outbound]:
        """Press the button with this label on the latest message that had buttons."""
        if label not in self.buttons:
            raise AssertionError(f"no button {label!r}; buttons are {list(self.buttons)}")
        return await self.press_data(self.buttons[label])

    async def press_data(self, data: str) -> list[Outbound]:
        """Press a button with arbitrary data (stale or forged)."""
        return await self._send(
            Inbound(self.key, self.core.clock.now(), InboundKind.BUTTON, button=data)
        )

    async def send_media(self, media: str) -> list[Outbound]:
        """Send a sticker, photo or other non-text message."""
        return await self._send(
            Inbound(self.key, self.core.clock.now(), InboundKind.UNSUPPORTED, media=media)
        )

    async def _send(self, inbound: Inbound) -> list[Outbound]:
        self.last = await self.core.handle(inbound)
        for reply in self.last:
            if reply.buttons and (reply.to is None or reply.to == self.key):
                self.buttons = {button.label: button.data for button in reply.buttons}
        return self.last

    @property
    def templates(self) -> list[str]:
        """Template keys of the last replies."""
        return [reply.template for reply in self.last]

    @property
    def text(self) -> str:
        """All text of the last replies."""
        return "\n".join(reply.text for reply in self.last)


async def onboard(person: Person, *, name: str = "Sam", country: str = "United Kingdom",
                  checkin: str = "8pm", pathway: str = "Cutting down") -> None:
    """Walk through onboarding with ordinary answers."""
    await person.say("/start")
    await person.press("That's okay with me")
    await person.say(name)
    await person.say("I want to feel in charge of my drinking again")
    await person.press(pathway)
    if country in person.buttons:
        await person.press(country)
    else:  # a country without a button is typed
        await person.say(country)
    if "Skip" in person.buttons and "onboarding/ask_timezone" in person.templates:
        await person.say("Chicago")
    await person.say(checkin)
