"""A real SMTP server on 127.0.0.1 for the browser tests (aiosmtpd): it keeps each message it
is sent as one JSON line (to, from, subject, plain-text body) in the file it is given, and
prints "ready PORT" once it listens. Nothing leaves the machine."""
import asyncio
import email
import json
import signal
import socket
import sys
from email import policy

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        part = message.get_body(preferencelist=("plain",)) or message
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps({
                "to": envelope.rcpt_tos,
                "from": envelope.mail_from,
                "subject": str(message["subject"]),
                "body": part.get_content(),
            }) + "\n")
        return "250 OK"


def main():
    path = sys.argv[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"ready {port}", flush=True)
    stop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.call_soon_threadsafe(stop.stop))
    stop.run_forever()
    controller.stop()


if __name__ == "__main__":
    main()
