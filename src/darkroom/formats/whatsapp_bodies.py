"""What a WhatsApp export line says about its message: text, media, deleted or system notice.

Only the first line of a body is looked at (captions and the rest follow on continuation
lines). Placeholders are localised; the lists hold the forms seen in real exports plus a few
from secondary sources, marked *(unverified)*. An unknown locale's placeholder stays TEXT,
except on iOS, where the U+200E marks classify a line whatever its language:

    ‎[3/27/22, 21:41:55] Dmitry S: ‎<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>   media
    [3/27/22, 21:54:45] Elon Musk: ‎This message was deleted.                            deleted
    [4/28/22, 20:17:30] Elon Musk: ‎‎Your security code with Elon changed.               system
"""

from __future__ import annotations

import mimetypes
import re

from darkroom.formats.base import ParsedAttachment
from darkroom.formats.whatsapp_grammar import MARK_CHARS
from darkroom.model import MessageKind

__all__ = ["Classified", "attachment", "classify", "is_group_event", "strip_marks"]

Classified = tuple[MessageKind, ParsedAttachment | None]

_MARKS = re.compile(f"[{MARK_CHARS}]+")

# Android, media not exported: the whole line is the placeholder.
_MEDIA_OMITTED = frozenset(
    {
        "<Media omitted>",
        "<Media weggelaten>",  # nl
        "<Média vynechány>",  # cs
        "<Media utelatt>",  # nb (unverified)
        "<Uten vedlegg>",  # nb (unverified)
        "<Medien ausgeschlossen>",  # de (unverified)
        "<Multimedia omitido>",  # es (unverified)
        "<Médias omis>",  # fr (unverified)
        "<Media omessi>",  # it (unverified)
        "<Mídia oculta>",  # pt (unverified)
        "<Без медиафайлов>",  # ru (unverified)
    }
)
# Android, media exported beside the text: `IMG-20220323-WA0002.jpg (file attached)`.
_FILE_ATTACHED = re.compile(
    r"(?P<name>\S(?:.*\S)?\.[A-Za-z0-9]{1,8}) \((?:file attached|bestand bijgevoegd"
    r"|Datei angehängt|archivo adjunto|fichier joint|file allegato|arquivo anexado|fil vedlagt)\)"
)
# iOS, media exported beside the text: `‎<attached: 00000042-TR.vcf>` (label localised).
_ATTACHED_TAG = re.compile(r"<(?:[^<>:\n]{2,30}?) ?: (?P<name>[^<>\n]+?\.[A-Za-z0-9]{1,8})>")
# iOS, media not exported: `‎image omitted`, `‎Bild weggelassen`, `‎изображение отсутствует`.
_IOS_OMITTED_ENDINGS = ("omitted", "weggelassen", "отсутствует", "не добавлен", "omitido", "omitida")

_DELETED = frozenset(
    {
        "This message was deleted",
        "You deleted this message",
        "Данное сообщение удалено",
        "Вы удалили данное сообщение",
        "Diese Nachricht wurde gelöscht",  # de (unverified)
        "Du hast diese Nachricht gelöscht",  # de (unverified)
        "Denne meldingen ble slettet",  # nb (unverified)
        "Du slettet denne meldingen",  # nb (unverified)
        "Dit bericht is verwijderd",  # nl (unverified)
        "Je hebt dit bericht verwijderd",  # nl (unverified)
        "Se eliminó este mensaje",  # es (unverified)
        "Eliminaste este mensaje",  # es (unverified)
    }
)
# Notices a group or contact name is printed in front of, without iOS marks (whatstk's pokemon.txt:
# `15.04.2016, 15:04 - Pokemon Chat: Messages and calls are end-to-end encrypted. …`).
_SYSTEM_PREFIXES = (
    "Messages and calls are end-to-end encrypted",
    "Messages to this group are now secured with end-to-end encryption",
    "Messages you send to this group are now secured with end-to-end encryption",
    "Messages to this chat and calls are now secured with end-to-end encryption",
    "Your security code with ",
    "Сообщения и звонки защищены сквозным шифрованием",
)
# A shared location: `‎Location: https://maps.google.com/?q=51.50,-0.12` (label localised).
_LOCATION = re.compile(r"[^\s:][^:\n]{0,30}: https?://")
# System lines that exist only in groups: `+12 345 578 created group "Groupname"`, `You were added`.
_GROUP_EVENT = re.compile(
    r"\bcreated group\b|\bwere added\b|\badded\b|\bleft\b|\bremoved\b|\bchanged the subject\b"
    r"|\bthis group\b|\bchanged the group|hat die Gruppe .* erstellt|creó el grupo"
    r"|opprettet gruppen|создал[аи]? групп"
)

_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only, not this machine's /etc/mime.types
_OOXML = "application/vnd.openxmlformats-officedocument."
_WHATSAPP_MIME = {
    ".opus": "audio/ogg",
    ".webp": "image/webp",
    ".vcf": "text/vcard",
    ".docx": _OOXML + "wordprocessingml.document",
    ".xlsx": _OOXML + "spreadsheetml.sheet",
    ".pptx": _OOXML + "presentationml.presentation",
}

_TEXT: Classified = (MessageKind.TEXT, None)
_SYSTEM: Classified = (MessageKind.SYSTEM, None)
_DELETED_KIND: Classified = (MessageKind.DELETED, None)
_MEDIA_WITHOUT_FILE: Classified = (MessageKind.MEDIA, None)


def strip_marks(text: str) -> str:
    """The text without the direction marks iOS inserts (ZWJ kept)."""
    return _MARKS.sub("", text)


def classify(first_line: str, *, line_marked: bool) -> Classified:
    """Kind and attachment of a message with a sender, from the first line of its body.

    `line_marked`: the header itself began with a direction mark, which iOS does for media only.
    """
    body_marked = first_line[:1] in MARK_CHARS if first_line else False
    plain = strip_marks(first_line) if line_marked or body_marked else first_line
    placeholder = _placeholder(plain)
    if placeholder is not None:
        return placeholder
    if line_marked:
        return _MEDIA_WITHOUT_FILE
    if body_marked:
        return _classify_marked_body(plain)
    return _SYSTEM if plain.startswith(_SYSTEM_PREFIXES) else _TEXT


def _placeholder(plain: str) -> Classified | None:
    """A media or deletion placeholder (either OS), or None for anything else."""
    if "<" in plain:
        tag = _ATTACHED_TAG.search(plain)
        if tag:
            return MessageKind.MEDIA, attachment(tag["name"])
    if plain.endswith(")"):
        attached = _FILE_ATTACHED.fullmatch(plain)
        if attached:
            return MessageKind.MEDIA, attachment(attached["name"])
    if plain in _MEDIA_OMITTED:
        return _MEDIA_WITHOUT_FILE
    if plain.rstrip(".") in _DELETED:
        return _DELETED_KIND
    return None


def _classify_marked_body(plain: str) -> Classified:
    """An iOS body starting with U+200E: a location, a media placeholder, else a system notice."""
    if _LOCATION.match(plain):
        return _TEXT
    if plain.endswith(_IOS_OMITTED_ENDINGS):
        return _MEDIA_WITHOUT_FILE
    return _SYSTEM


def is_group_event(system_text: str) -> bool:
    """Whether a system line is one only a group chat has (created group, added, left …)."""
    return _GROUP_EVENT.search(system_text) is not None


def attachment(name: str) -> ParsedAttachment:
    """An attachment record for an exported file name, with its MIME type when known."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""
    mime = _WHATSAPP_MIME.get(suffix) or _MIME_TYPES.guess_type("x" + suffix, strict=False)[0]
    return ParsedAttachment(name, mime)
