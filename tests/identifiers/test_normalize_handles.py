"""Account keys: one number on two apps is one key; ids that are not numbers never become phones."""

from __future__ import annotations

from darkroom.identifiers.normalize import normalize_handle


def test_whatsapp_jids_and_written_numbers_meet() -> None:
    assert normalize_handle("whatsapp", "447700900123@s.whatsapp.net", "NO") == "+447700900123"
    assert normalize_handle("whatsapp", "+44 7700 900123", "NO") == "+447700900123"
    assert normalize_handle("phone", "07700 900123", "GB") == "+447700900123"


def test_group_and_lid_ids_are_not_phone_numbers() -> None:
    assert normalize_handle("whatsapp", "120363152399132465@g.us", "NO") == "120363152399132465@g.us"
    assert normalize_handle("whatsapp", "12345678901234@lid", "NO") == "12345678901234@lid"


def test_other_handles_fold_case_and_spaces() -> None:
    assert normalize_handle("telegram", "  Dark_Fox ", "NO") == "dark_fox"
    assert normalize_handle("email", "Kari.Nilsen@Example.COM", "NO") == "kari.nilsen@example.com"
