"""A Thunderbird "Local Folders" Inbox: an mbox file of a few bland emails to the owner.

Thunderbird stores each folder as one mbox file (`Mail/Local Folders/Inbox`, no extension). A
message starts with a From_ line carrying the local time and Thunderbird's own status headers:
    From - Thu Jan 15 10:15:00 2026
    X-Mozilla-Status: 0001
    X-Mozilla-Status2: 00000000
Lines are CRLF; body lines starting with "From " are escaped as ">From ". The mails come from
people the owner knows who have an email account; one carries a file, one forwards an earlier
mail as a message/rfc822 attachment, some are sent as HTML with a plain-text alternative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html import escape
from io import BytesIO

from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, write_file
from darkroom.synth.conversations import CHATS_BEGIN
from darkroom.synth.media import local_time
from darkroom.synth.records import Account
from darkroom.synth.vocab import DAYS, SMALL_TALK, TEAMS

SUBJECTS: tuple[str, ...] = (
    "Saturday match",
    "Coffee next week?",
    "Rota for next month",
    "Quiz night",
    "Car share",
    "Cabin booking",
    "Bike for sale",
    "Lunch on {day}",
)
ATTACHMENTS: tuple[tuple[str, str, str], ...] = (
    ("rota.csv", "text/csv", "date,name\n2026-01-17,{first}\n2026-01-24,{sender}\n"),
    ("fixtures.txt", "text/plain", "{team} at home on {day}\n{team} away the week after\n"),
    ("shopping.txt", "text/plain", "Milk\nCoffee\nLight bulbs\n"),
)
MAX_CORRESPONDENTS = 4
BOUNDARY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class _Mail:
    """One planned email and what it adds to the truth."""

    message: EmailMessage
    received_at: datetime
    sender: str  # account key
    attachments: int  # files in this mail and in the mail it carries
    carried_sender: str | None  # account key of the sender of the attached (forwarded) mail


def _small_talk(rng: random.Random) -> str:
    """One chat-style line of bland small talk."""
    template = rng.choice(SMALL_TALK)
    return template.format(
        day=rng.choice(DAYS),
        team=rng.choice(TEAMS),
        n=rng.randint(5, 40),
        time=f"{rng.randint(9, 21)}:{rng.choice(('00', '15', '30', '45'))}",
    )


def _first_name(account: Account) -> str:
    """How a mail greets or signs with the account holder's name."""
    return account.display_name.split(" ", 1)[0]


def _email(
    rng: random.Random, sender: Account, recipient: Account, subject: str, when: datetime
) -> EmailMessage:
    """A plain (sometimes plain + HTML) email from `sender` to `recipient`."""
    message = EmailMessage()
    message["From"] = f"{sender.display_name} <{sender.handle}>"
    message["To"] = f"{recipient.display_name} <{recipient.handle}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(local_time(when))
    message["Message-ID"] = (
        f"<{rng.getrandbits(64):016x}.{rng.getrandbits(32):08x}@{sender.handle.split('@')[1]}>"
    )
    message["MIME-Version"] = "1.0"
    message["User-Agent"] = "Mozilla Thunderbird"
    lines = [_small_talk(rng) for _ in range(rng.randint(2, 3))]
    greeting, closing = f"Hi {_first_name(recipient)},", f"Cheers,\n{_first_name(sender)}"
    message.set_content("\n\n".join([greeting, "\n".join(lines), closing]) + "\n")
    if rng.random() < 0.4:
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in (greeting, *lines))
        message.add_alternative(
            f"<html><body>{paragraphs}<p>Cheers,<br>{escape(_first_name(sender))}</p></body></html>",
            subtype="html",
        )
    return message


def _attach_file(rng: random.Random, message: EmailMessage, sender: Account, recipient: Account) -> None:
    """Attach a small bland text file (a rota, fixtures, a shopping list)."""
    name, mime, template = rng.choice(ATTACHMENTS)
    text = template.format(
        first=_first_name(recipient), sender=_first_name(sender), team=rng.choice(TEAMS), day=rng.choice(DAYS)
    )
    maintype, subtype = mime.split("/")
    message.add_attachment(text.encode("utf-8"), maintype=maintype, subtype=subtype, filename=name)


def _correspondents(job: SlotJob, ctx: WriteContext, rng: random.Random) -> list[Account]:
    """Email accounts of people the owner knows, a few of them."""
    owner = job.exhibit.owner
    known = sorted(
        {tie.b if tie.a == owner else tie.a for tie in ctx.population.ties if owner in (tie.a, tie.b)}
    )
    accounts = [
        ctx.accounts.on_platform(person, "email")[0]
        for person in known
        if ctx.accounts.on_platform(person, "email")
    ]
    rng.shuffle(accounts)
    return accounts[:MAX_CORRESPONDENTS]


def _plan_mails(job: SlotJob, rng: random.Random, owner: Account, people: list[Account]) -> list[_Mail]:
    """Four to seven mails in time order: one with a file, the last forwarding an earlier one."""
    count = rng.randint(4, 7)
    days = max(1, (job.exhibit.seized_at - timedelta(days=2) - CHATS_BEGIN).days)
    # Sent in the waking hours (07-21 UTC is 08-23 in Oslo) of random days before the seizure.
    times = sorted(
        CHATS_BEGIN + timedelta(days=rng.randrange(days), seconds=rng.randrange(7 * 3600, 21 * 3600))
        for _ in range(count)
    )
    with_file = rng.randrange(count - 1)
    mails: list[_Mail] = []
    for index, when in enumerate(times[:-1]):
        sender = rng.choice(people)
        subject = rng.choice(SUBJECTS).format(day=rng.choice(DAYS))
        message = _email(rng, sender, owner, subject, when)
        if index == with_file:
            _attach_file(rng, message, sender, owner)
        mails.append(
            _Mail(
                message,
                when + timedelta(seconds=rng.randint(3, 90)),
                sender.key,
                int(index == with_file),
                None,
            )
        )
    mails.append(_forward(rng, owner, people, mails, times[-1]))
    _tidy_parts(rng, mails)
    return mails


def _tidy_parts(rng: random.Random, mails: list[_Mail]) -> None:
    """Parts as a mail client writes them: one MIME-Version per message, seeded boundaries."""
    roots = {id(mail.message) for mail in mails}  # the forwarded mail is also in the Inbox itself
    for mail in mails:
        for part in mail.message.walk():
            if id(part) not in roots and part.get_content_maintype() != "message":
                del part["MIME-Version"]  # the stdlib repeats it on every part; mail clients do not
            if part.get_content_maintype() == "multipart":
                # The stdlib draws boundaries from the global random module; Thunderbird's look like this.
                part.set_boundary("------------" + "".join(rng.choices(BOUNDARY_CHARS, k=24)))


def _forward(
    rng: random.Random, owner: Account, people: list[Account], earlier: list[_Mail], when: datetime
) -> _Mail:
    """A mail forwarding an earlier one (attached as message/rfc822) from another correspondent."""
    original = rng.choice(earlier)
    forwarder = rng.choice([p for p in people if p.key != original.sender] or people)
    message = _email(rng, forwarder, owner, f"Fwd: {original.message['Subject']}", when)
    message.add_attachment(original.message)
    return _Mail(
        message,
        when + timedelta(seconds=rng.randint(3, 90)),
        forwarder.key,
        original.attachments,
        original.sender,
    )


def _mbox_bytes(mails: list[_Mail]) -> bytes:
    """The Inbox file: From_ line, Thunderbird status headers, the message (CRLF), a blank line."""
    out = BytesIO()
    for mail in mails:
        stamp = local_time(mail.received_at).strftime("%a %b %d %H:%M:%S %Y")
        out.write(
            f"From - {stamp}\r\nX-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\n".encode("ascii")
        )
        BytesGenerator(out, mangle_from_=True, policy=SMTP).flatten(mail.message)
        out.write(b"\r\n")
    return out.getvalue()


class MboxWriter:
    """Thunderbird's `Local Folders/Inbox` of the owner's personal address (none without one)."""

    name = "mbox"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """One mbox file at the slot's path."""
        own = ctx.accounts.on_platform(job.exhibit.owner, "email")
        people = _correspondents(job, ctx, rng)
        if not own or not people:
            return []
        owner = own[0]
        mails = _plan_mails(job, rng, owner, people)
        senders: dict[str, int] = {}
        for mail in mails:
            for key in (mail.sender, mail.carried_sender):
                if key is not None:
                    senders[key] = senders.get(key, 0) + 1
        content = {
            "format": self.name,
            "platform": "email",
            "owner_account": owner.key,
            "accounts": sorted({owner.key, *senders}),
            "message_count": sum(1 if mail.carried_sender is None else 2 for mail in mails),
            "top_level_count": len(mails),
            "attached_message_count": sum(1 for mail in mails if mail.carried_sender is not None),
            "attachment_count": sum(mail.attachments for mail in mails),
            "sender_counts": dict(sorted(senders.items())),
            "subjects": [str(mail.message["Subject"]) for mail in mails],
            "first_local": local_time(mails[0].received_at).isoformat(),
            "last_local": local_time(mails[-1].received_at).isoformat(),
        }
        payload = _mbox_bytes(mails)
        return [
            write_file(
                job, job.slot.path, payload, mails[-1].received_at + timedelta(minutes=5), "mbox", content
            )
        ]
