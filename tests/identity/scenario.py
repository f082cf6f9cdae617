"""A small case with the situations identity resolution must get right, built record by record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.identity.builders import CaseBuilder, landline, mobile


@dataclass
class Scenario:
    """The case and the ids of what was planted in it."""

    case: CaseBuilder
    ids: dict[str, int]

    def ref(self, name: str) -> str:
        kind = "contact" if name.startswith("card_") else "account"
        return f"{kind}:{self.ids[name]}"


def build(root: Path) -> Scenario:
    """Daniel (number, email, a nickname card), Ingrid and Oliver (a shared home line), Kari (a chat
    export naming her by her saved name), Jon (a chat export copy of a numbered chat)."""
    case = CaseBuilder(root)
    ids: dict[str, int] = {}
    case.exhibit("EX-1", "flat of Alex Moen")
    case.exhibit("EX-2", "flat of Sam Vik")
    ids["card_daniel"] = case.card(
        "EX-1",
        "Daniel Strand",
        phones=(mobile(1),),
        emails=("daniel.strand@example.org",),
        fields={"BDAY": ["1985-10-31"], "account_name": ["alex.moen@example.org"]},
    )
    ids["card_fox"] = case.card("EX-2", "Fox", phones=(mobile(1),))
    ids["whatsapp_daniel"] = case.account("whatsapp", mobile(1), ("Daniel",), "EX-1")
    ids["email_daniel"] = case.account("email", "daniel.strand@example.org", ("Daniel Strand",), "EX-1")
    ids["card_ingrid_home"] = case.card("EX-1", "Ingrid home", phones=(mobile(2), landline(1)))
    ids["card_oliver"] = case.card("EX-1", "Oliver Berg", phones=(mobile(3), landline(1)))
    ids["card_ingrid"] = case.card("EX-2", "Ingrid Berg", phones=(mobile(2),))
    ids["card_kari"] = case.card("EX-2", "Kari", phones=(mobile(6),))
    ids["whatsapp_kari"] = case.account("whatsapp", "Kari (EX-2)", ("Kari",), "EX-2")  # a saved name, keyed
    ids["whatsapp_jon"] = case.account("whatsapp", "Jon (EX-1)", ("Jon",), "EX-1")
    ids["whatsapp_jon_number"] = case.account("whatsapp", mobile(7), (), "EX-1")
    ids["whatsapp_alex"] = case.account("whatsapp", mobile(8), ("Alex",), "EX-1")
    ids["whatsapp_sam"] = case.account("whatsapp", mobile(9), ("Sam",), "EX-2")
    lines = [
        (f"2025-03-0{d}T1{h}:0{m}", f"see you at the quiz {d}{h}{m}")
        for d in (1, 2)
        for h in (1, 2)
        for m in (1, 2)
    ]
    case.chat("EX-1", "WhatsApp/Chat with Jon.txt", [(ids["whatsapp_jon"], t, b) for t, b in lines])
    case.chat("EX-1", "msgstore.db", [(ids["whatsapp_jon_number"], t, b) for t, b in lines])
    case.chat(
        "EX-2",
        "WhatsApp/Chat with Kari.txt",
        [
            (ids["whatsapp_kari"], "2025-04-01T10:00", "hello"),
            (ids["whatsapp_sam"], "2025-04-01T10:01", "hi"),
        ],
    )
    ids["phone_daniel"] = case.phone_account(mobile(1), "Daniel Strand", "EX-1")
    ids["phone_ingrid"] = case.phone_account(mobile(2), "Ingrid home", "EX-1")
    ids["phone_oliver"] = case.phone_account(mobile(3), "Oliver Berg", "EX-1")
    ids["phone_home"] = case.phone_account(landline(1), "Ingrid home", "EX-1")
    ids["phone_kari"] = case.phone_account(mobile(6), "Kari", "EX-2")
    return Scenario(case, ids)
