"""An e-mail backend for the resilience checks: each message is appended, as one JSON line, to the file named by
RESILIENCE_MAIL_LOG and flushed to disk before the send returns, as an SMTP server's acceptance would be."""

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class RecordingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        path = os.environ["RESILIENCE_MAIL_LOG"]
        lines = []
        for message in email_messages:
            lines.append(json.dumps({
                "message_id": message.extra_headers.get("Message-ID", ""),
                "subject": message.subject,
                "to": list(message.to),
                "pid": os.getpid(),
            }) + "\n")
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, "".join(lines).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return len(lines)
