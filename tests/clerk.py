"""A scripted clerk that talks to the dialog engine as a person on a phone would."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.console import plain
from dialogs.engine import Engine
from dialogs.model import Button, ButtonPress, Command, Event, FileInput, OutMessage, TextInput


@dataclass
class Clerk:
    engine: Engine
    person_id: int
    name: str = "clerk"
    #: Every message and tap the clerk made (commands excluded), for the measure in issue 4.
    actions: int = 0
    last: list[OutMessage] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    update_id: int | None = None

    def _send(self, event: Event, shown: str, counted: bool = True) -> list[OutMessage]:
        if counted:
            self.actions += 1
        self.transcript.append(f"**{self.name}:** {shown}")
        self.last = self.engine.handle(self.person_id, event, update_id=self.update_id)
        for message in self.last:
            self.transcript.append("> " + plain(message.text).replace("\n", "\n> "))
            labels = " · ".join(f"[{b.label}]" for row in message.buttons for b in row)
            if labels:
                self.transcript.append("> " + labels)
            if message.document:
                self.transcript.append(f"> 📎 {message.document.filename}")
        return self.last

    def command(self, name: str, args: str = "") -> list[OutMessage]:
        return self._send(Command(name=name, args=args), f"/{name} {args}".strip(), counted=False)

    def says(self, text: str) -> list[OutMessage]:
        return self._send(TextInput(text=text), text)

    def sends_file(self, name: str, data: bytes) -> list[OutMessage]:
        return self._send(FileInput(name=name, data=data), f"📎 {name}")

    def buttons(self) -> list[Button]:
        return [b for m in self.last for row in m.buttons for b in row]

    def button(self, label: str) -> Button:
        matches = [b for b in self.buttons() if b.label == label or b.label.startswith(label)]
        assert matches, f"no button {label!r} in {[b.label for b in self.buttons()]}"
        return matches[-1]

    def taps(self, label: str) -> list[OutMessage]:
        return self.presses(self.button(label))

    def presses(self, button: Button) -> list[OutMessage]:
        return self._send(ButtonPress(data=button.data), f"[{button.label}]")

    def text(self) -> str:
        return "\n".join(plain(m.text) for m in self.last)

    def question(self) -> str:
        questions = [m for m in self.last if m.question]
        return plain(questions[-1].text) if questions else ""
