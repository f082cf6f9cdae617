"""The registry of artefact writers. Adding a format: one module, one line below, one slot.

A slot (`exhibits.ArtefactSlot`) in a device profile names the writer and where it writes.
"""

from __future__ import annotations

from collections.abc import Mapping

from darkroom.synth.artefacts.android_contacts_db import AndroidContactsDbWriter
from darkroom.synth.artefacts.android_sms_db import AndroidSmsDbWriter
from darkroom.synth.artefacts.base import ArtefactWriter, SlotJob, TruthFile, WriteContext
from darkroom.synth.artefacts.ios_addressbook_db import IosAddressBookDbWriter
from darkroom.synth.artefacts.ios_sms_db import IosSmsDbWriter
from darkroom.synth.artefacts.mbox import MboxWriter
from darkroom.synth.artefacts.meta_dyi_json import MetaDyiJsonWriter
from darkroom.synth.artefacts.notes import NotesWriter
from darkroom.synth.artefacts.pidgin_log import PidginLogWriter
from darkroom.synth.artefacts.ufdr import UfdrWriter
from darkroom.synth.artefacts.vcard import VCardWriter
from darkroom.synth.artefacts.whatsapp_android import WhatsAppAndroidWriter
from darkroom.synth.artefacts.whatsapp_android_db import WhatsAppAndroidDbWriter
from darkroom.synth.artefacts.whatsapp_ios import WhatsAppIosWriter
from darkroom.synth.artefacts.whatsapp_ios_db import WhatsAppIosDbWriter

_BUILT_IN: tuple[ArtefactWriter, ...] = (
    VCardWriter(),
    WhatsAppAndroidWriter(),
    WhatsAppIosWriter(),
    NotesWriter(),
    MboxWriter(),
    PidginLogWriter(),
    MetaDyiJsonWriter(),
    UfdrWriter(),
    WhatsAppAndroidDbWriter(),
    AndroidContactsDbWriter(),
    AndroidSmsDbWriter(),
    WhatsAppIosDbWriter(),
    IosSmsDbWriter(),
    IosAddressBookDbWriter(),
)
WRITERS: Mapping[str, ArtefactWriter] = {writer.name: writer for writer in _BUILT_IN}

__all__ = ["WRITERS", "ArtefactWriter", "SlotJob", "TruthFile", "WriteContext"]
