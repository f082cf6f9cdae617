"""An iPhone exhibit for the iOS database writers' tests: the small case's plan, one owner's phone.

`IPHONE` is the device profile proposed for `exhibits.PROFILES` (a full-file-system extraction as a
folder); until it is registered there, the writers are driven directly, the way `generate` does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

from darkroom.synth.artefacts.base import ArtefactWriter, SlotJob, TruthFile, WriteContext
from darkroom.synth.exhibits import ArtefactSlot, DeviceProfile, ExhibitPlan
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES

WHATSAPP_APP_GROUP = "private/var/mobile/Containers/Shared/AppGroup/5A0C9E3B-71D4-4F2A-9B8E-3C6D1F0A7E52"
IPHONE = DeviceProfile(
    name="iphone",
    kind="phone",
    container="folder",
    slots=(
        ArtefactSlot("ios-addressbook-db", "private/var/mobile/Library/AddressBook"),
        ArtefactSlot("ios-sms-db", "private/var/mobile/Library/SMS"),
        ArtefactSlot("whatsapp-ios-db", WHATSAPP_APP_GROUP),
    ),
    media={"received": f"{WHATSAPP_APP_GROUP}/Message/Media"},
    packed_dirs=(),
    main_account_only=True,
    has_timezone=True,
)
SLOT_OF = {slot.writer: index for index, slot in enumerate(IPHONE.slots)}


@dataclass(frozen=True)
class IphoneCase:
    """The plan, the write context and the first seized phone owner's exhibit turned into an iPhone."""

    plan: CasePlan
    ctx: WriteContext
    exhibit: ExhibitPlan

    def write(self, writer: ArtefactWriter, root: Path) -> list[TruthFile]:
        """Run one writer for its slot, with the random stream `generate` would give it."""
        index = SLOT_OF[writer.name]
        job = SlotJob(self.exhibit, IPHONE.slots[index], self.exhibit.chats.get(index, ()), root)
        rng: random.Random = derive_rng(self.plan.seed, "writer", writer.name, self.exhibit.ref, str(index))
        return writer.write(job, rng, self.ctx)


def iphone_case(seed: int = 1) -> IphoneCase:
    """The small case of `seed`, its first Android phone re-profiled as an iPhone with the same chats."""
    plan = plan_case(SCALES["small"], seed)
    phone = next(e for e in plan.exhibits if e.profile.name == "android-phone" and e.whatsapp_accounts)
    whatsapp_chats = next(chats for chats in phone.chats.values())
    exhibit = replace(phone, profile=IPHONE, chats={SLOT_OF["whatsapp-ios-db"]: whatsapp_chats})
    ctx = plan.write_context()
    return IphoneCase(plan, ctx, exhibit)
