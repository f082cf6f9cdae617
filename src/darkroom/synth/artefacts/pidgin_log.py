"""Pidgin XMPP conversation logs: `logs/jabber/ME/PARTNER/2026-01-15.101500+0100CET.txt` (or `.html`).

Pidgin writes one file per conversation window, named by the local start time with its offset and
zone name; the first line names both sides:
    Conversation with ann@xmpp.test at Thu 15 Jan 2026 10:15:00 AM CET on tom.f@jabber.test/Home (jabber)
    (10:15:02) tom.f: Fancy a coffee on Friday?
    (10:15:40) Ann: Sure, 10:15 works for me
    (10:31:10) Ann has signed off.
HTML logs (Pidgin's default) hold the same lines as `<font size="2">(10:15:02)</font> <b>tom.f:</b>`.

The account book has no XMPP accounts, so JIDs are derived here from each person's handle idea
(the same JID for a person in every exhibit) and reported with their person in `xmpp_accounts`.
The owner's lines carry the JID's local part as alias (it maps to the account); the partner shows as
the bare JID or as a first name saved as buddy alias.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, write_file
from darkroom.synth.conversations import CHATS_BEGIN, ChatMessage, iter_messages
from darkroom.synth.handles import handle_variant, pick_style
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation, Person
from darkroom.synth.rng import derive_rng, derive_seed

XMPP_DOMAINS: tuple[str, ...] = ("jabber.test", "xmpp.test", "im.test", "example.org", "example.net")
RESOURCES: tuple[str, ...] = ("Home", "Laptop", "Pidgin", "desk")
SESSION_GAP = timedelta(minutes=45)  # a quiet gap after which Pidgin has closed the window
MAX_PARTNERS = 3
OWN_COLOUR, PARTNER_COLOUR = "#16569E", "#A82F2F"  # Pidgin's colours for sent and received lines


@dataclass(frozen=True, slots=True)
class XmppIdentity:
    """A person's derived XMPP address and the resource their client logs in with."""

    person: str
    jid: str
    resource: str

    @property
    def key(self) -> str:
        """`account:xmpp:JID`."""
        return account_key("xmpp", self.jid)


@dataclass(frozen=True, slots=True)
class _LogLine:
    """One line to write: time, alias, text, and whether it is a status line."""

    sent_at: datetime
    alias: str
    text: str
    is_status: bool
    sender_jid: str


def xmpp_identity(seed: int, person: Person) -> XmppIdentity:
    """The person's JID: a handle variant at an example XMPP server, stable for the seed."""
    rng = derive_rng(seed, "xmpp", person.id)
    node = (
        handle_variant(person.handle_words, person.handle_digits, pick_style(rng)).lower().replace("-", ".")
    )
    return XmppIdentity(person.id, f"{node}@{rng.choice(XMPP_DOMAINS)}", rng.choice(RESOURCES))


def _partners(job: SlotJob, ctx: WriteContext, rng: random.Random) -> list[Person]:
    """People the owner chats with over XMPP: network ties first, then friends."""
    owner = job.exhibit.owner
    order = {"network": 0, "friend": 1, "colleague": 2, "family": 3, "acquaintance": 4}
    ties = sorted(
        (tie for tie in ctx.population.ties if owner in (tie.a, tie.b)),
        key=lambda tie: (order[tie.kind], tie.a, tie.b),
    )
    people = [ctx.population.by_id[tie.b if tie.a == owner else tie.a] for tie in ties]
    return people[: rng.randint(1, MAX_PARTNERS)]


def _sessions(messages: list[ChatMessage]) -> list[list[ChatMessage]]:
    """Messages grouped by conversation window (a new window after a long quiet gap)."""
    sessions: list[list[ChatMessage]] = []
    for message in messages:
        if not sessions or message.sent_at - sessions[-1][-1].sent_at > SESSION_GAP:
            sessions.append([])
        sessions[-1].append(message)
    return sessions


def _chat(seed: int, owner: XmppIdentity, partner: XmppIdentity, rng: random.Random) -> Conversation:
    """A planned two-person chat whose messages stream from the shared small-talk generator."""
    start = CHATS_BEGIN + timedelta(days=rng.randrange(600))
    return Conversation(
        id=f"xmpp:{owner.person}:{partner.person}",
        platform="xmpp",
        accounts=(owner.key, partner.key),
        group_name=None,
        start_utc=start,
        end_utc=start + timedelta(days=rng.randrange(30, 200)),
        weight=1.0,
        seed=derive_seed(seed, "xmpp-chat", owner.person, partner.person),
        message_count=rng.randint(8, 30),
    )


def _txt(header: str, lines: list[_LogLine]) -> str:
    """A TXT log: the header, then `(HH:MM:SS) alias: text` (continuation lines unstamped)."""
    rows = [header]
    for line in lines:
        stamp = local_time(line.sent_at).strftime("%H:%M:%S")
        rows.append(f"({stamp}) {line.text}" if line.is_status else f"({stamp}) {line.alias}: {line.text}")
    return "\n".join(rows) + "\n"


def _html(header: str, lines: list[_LogLine], owner_jid: str) -> str:
    """An HTML log as Pidgin writes it: one `<font>`-wrapped line per message, `<br/>` inside."""
    title = html.escape(header)
    rows = [
        '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8">'
        f"<title>{title}</title></head><body><h3>{title}</h3>"
    ]
    for line in lines:
        stamp = local_time(line.sent_at).strftime("%H:%M:%S")
        text = html.escape(line.text).replace("\n", "<br/>")
        if line.is_status:
            rows.append(f'<font size="2">({stamp})</font><b> {text}</b><br/>')
            continue
        colour = OWN_COLOUR if line.sender_jid == owner_jid else PARTNER_COLOUR
        alias = html.escape(line.alias)
        rows.append(
            f'<font color="{colour}"><font size="2">({stamp})</font> <b>{alias}:</b></font> {text}<br/>'
        )
    rows.append("</body></html>")
    return "\n".join(rows) + "\n"


class PidginLogWriter:
    """The owner's Pidgin XMPP logs with a few of the people they know; TXT or HTML per profile."""

    name = "pidgin-log"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """One folder per partner below `logs/jabber/OWNER_JID/`, one file per conversation window."""
        owner = xmpp_identity(ctx.seed, ctx.population.by_id[job.exhibit.owner])
        extension = "html" if rng.random() < 0.4 else "txt"
        files: list[TruthFile] = []
        taken = {owner.jid}
        for person in _partners(job, ctx, rng):
            partner = xmpp_identity(ctx.seed, person)
            if partner.jid in taken:  # two people drew the same handle idea and server: one folder each
                continue
            taken.add(partner.jid)
            partner_alias = person.first_name if rng.random() < 0.5 else partner.jid
            chat = _chat(ctx.seed, owner, partner, rng)
            aliases = {owner.key: owner.jid.split("@")[0], partner.key: partner_alias}
            jids = {owner.key: owner.jid, partner.key: partner.jid}
            for session in _sessions(list(iter_messages(chat))):
                lines = [
                    _LogLine(m.sent_at, aliases[m.sender], m.text, False, jids[m.sender]) for m in session
                ]
                if rng.random() < 0.3:
                    signed_off = session[-1].sent_at + timedelta(seconds=rng.randint(60, 900))
                    lines.append(
                        _LogLine(
                            signed_off, partner_alias, f"{partner_alias} has signed off.", True, partner.jid
                        )
                    )
                files.append(self._file(job, rng, owner, partner, extension, lines, aliases))
        return files

    def _file(
        self,
        job: SlotJob,
        rng: random.Random,
        owner: XmppIdentity,
        partner: XmppIdentity,
        extension: str,
        lines: list[_LogLine],
        aliases: dict[str, str],
    ) -> TruthFile:
        """Write one conversation window's log and describe it for truth.json."""
        opened = local_time(lines[0].sent_at - timedelta(seconds=rng.randint(2, 40)))
        header = (
            f"Conversation with {partner.jid} at {opened:%a %d %b %Y %I:%M:%S %p %Z} "
            f"on {owner.jid}/{owner.resource} (jabber)"
        )
        text = _html(header, lines, owner.jid) if extension == "html" else _txt(header, lines)
        name = f"{opened:%Y-%m-%d.%H%M%S}{opened:%z}{opened:%Z}.{extension}"
        relative = f"{job.slot.path}/jabber/{owner.jid}/{partner.jid}/{name}"
        said = [line for line in lines if not line.is_status]
        counts = {jid: sum(1 for line in said if line.sender_jid == jid) for jid in (owner.jid, partner.jid)}
        content = {
            "format": "pidgin-log",
            "platform": "xmpp",
            "owner_jid": owner.jid,
            "partner_jid": partner.jid,
            "xmpp_accounts": [
                {"key": identity.key, "jid": identity.jid, "person": identity.person}
                for identity in (owner, partner)
            ],
            "labels": {aliases[identity.key]: identity.jid for identity in (owner, partner)},
            "message_count": len(said),
            "system_count": len(lines) - len(said),
            "sender_counts": counts,
            "first_local": local_time(lines[0].sent_at).isoformat(),
            "last_local": local_time(lines[-1].sent_at).isoformat(),
        }
        return write_file(
            job,
            relative,
            text.encode("utf-8"),
            lines[-1].sent_at + timedelta(minutes=1),
            "pidgin-log",
            content,
        )
