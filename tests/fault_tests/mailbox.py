"""An e-mail backend for the fault tests: one file per message in settings.FAULT_MAILBOX, so the test process
counts what a worker really sent. A `pause` file there makes the backend stop right after writing a message
(it writes `paused` and waits), the moment the test kills the worker; a `delay` file (seconds) slows every send."""
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        box = Path(settings.FAULT_MAILBOX)
        for message in email_messages:
            name = box / f"{uuid.uuid4().hex}.eml"
            name.with_suffix(".tmp").write_text(
                f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}", encoding="utf-8")
            name.with_suffix(".tmp").rename(name)  # whole or absent: the test never reads half a message
            if (box / "delay").exists():
                time.sleep(float((box / "delay").read_text()))
            if (box / "pause").exists():
                (box / "paused").touch()
                while (box / "pause").exists():
                    time.sleep(0.1)
        return len(email_messages)


def sent_to(box: Path) -> list[str]:
    """The recipients of every message in the mailbox, one entry per message."""
    return [path.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("To: ") for path in box.glob("*.eml")]
