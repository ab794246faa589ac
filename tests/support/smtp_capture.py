"""A real SMTP server on loopback for the tests of crates/mail.

It is aiosmtpd's SMTP protocol (https://aiosmtpd.aio-libs.org) with a handler
that writes each message it accepts into a folder, where the test reads it
back: NNNN.eml (the message exactly as received) and NNNN.json (the envelope,
MAIL FROM and RCPT TO, and the message as Python's own `email` parser reads
it: decoded From, To and Subject headers, and the text and HTML parts). The
.json is written last and renamed into place, so a test that sees it can read
both files whole. The parsed form lets the Rust test check what a mail
program would show (encoded words, transfer encodings) with an independent
parser rather than one of its own.

Usage: python3 smtp_capture.py CAPTURE_DIR
It binds 127.0.0.1 on a port the operating system picks and prints one line,
`listening 127.0.0.1:PORT`, once it accepts connections. Test support only.
"""

import asyncio
import email
import email.policy
import itertools
import json
import os
import socket
import sys

from aiosmtpd.smtp import SMTP


class Capture:
    def __init__(self, folder):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        base = os.path.join(self.folder, f"{number:04}")
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        parsed = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "content_type": message.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(parsed, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


async def main(folder):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    handler = Capture(folder)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="aftercare-test-smtp"), sock=listener
    )
    print(f"listening 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: smtp_capture.py CAPTURE_DIR (an existing folder)")
    try:
        asyncio.run(main(sys.argv[1]))
    except KeyboardInterrupt:
        pass
