"""Text folding for indicator matching: lexicon terms and message bodies go through the same
function, so "Babysitting", "BABYSITTING!", "b4bysitting" and "babysítting" all read alike.

Steps, in order:
1. lower case (Greek final sigma folded to sigma, so per-character and whole-string agree);
2. diacritics dropped (é → e, ü → u); ß → ss, œ → oe, þ → th, ł → l;
3. Norwegian and Danish letters written out the way Norwegians type them on a keyboard without
   them: æ → ae, ø → oe, å → aa. Lexicon terms are also expanded to the bare-vowel forms
   (lørdag → loerdag and lordag, see `term_variants`), so a chat typed as "lordag",
   "loerdag" or "lørdag" matches one term;
4. apostrophes removed ("don't" → "dont"), so both spellings match;
5. letter/digit substitutions undone inside words that start with a letter
   (b4by → baby, k1ds → kids, h3r → her, s@fe → safe); tokens starting with a digit stay
   ("14.03", "9yo", "2nd" are not words in disguise);
6. the words (runs of letters and digits) are joined by single spaces and the text is padded
   with a space at each end, so a term `" look after "` matches whole words only.

`normalize` is the fast path (C-level str methods); `normalize_with_offsets` does the same
character by character and says where each output character came from, so a hit's span can
be given in the original body. The two always agree (a property test holds them to it).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

_SPECIAL: dict[str, str] = {
    "æ": "ae",
    "ø": "oe",
    "å": "aa",
    "ß": "ss",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
    "ł": "l",
    "đ": "d",
    "ı": "i",
    "ς": "σ",
    "'": "",
    "’": "",
    "‘": "",
    "`": "",
    "´": "",
    "_": " ",
}
_LEET: dict[str, str] = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_FOLD_RANGE = range(0x80, 0x2070)
_NORWEGIAN_VARIANTS: dict[str, tuple[str, ...]] = {"ae": ("ae", "a"), "oe": ("oe", "o"), "aa": ("aa", "a")}
MAX_VARIANTS = 8


def _fold_char(char: str) -> str:
    """What one already lower-cased character becomes (before leet and the space collapse)."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    decomposed = unicodedata.normalize("NFKD", char)
    # A lone combining mark folds to nothing, as it does after a letter it decorates.
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {ord(k): v for k, v in _SPECIAL.items()}
    for code in _FOLD_RANGE:
        char = chr(code)
        if code in table or char != char.lower():
            continue  # upper case never reaches the table: lower() runs first
        folded = _fold_char(char)
        if folded != char:
            table[code] = folded
    return table


_FOLD = _build_fold_table()
_LEET_WORD = re.compile(r"(?<![a-z0-9])[a-z][a-z0-9@$]*[0-9@$][a-z0-9@$]*")
_LEET_TABLE = str.maketrans(_LEET)
_LEET_CHAR = re.compile(r"[0-9@$]")
_WORD = re.compile(r"[^\W_]+")


def _ascii_table() -> bytes:
    """ASCII in one bytes.translate: letters lower-cased, digits, '@' and '$' kept, the rest a space."""
    table = bytearray(b" " * 256)
    for code in range(256):
        char = chr(code)
        if char.isascii() and char.isalnum():
            table[code] = ord(char.lower())
    table[ord("@")], table[ord("$")] = ord("@"), ord("$")
    return bytes(table)


_ASCII = _ascii_table()
_ASCII_DROP = b"'`"  # apostrophes vanish ("don't" -> "dont"), as in _SPECIAL


def _unleet(match: re.Match[str]) -> str:
    return match.group().translate(_LEET_TABLE)


def normalize(text: str) -> str:
    """The folded, space-padded form of `text` that lexicon patterns are matched against."""
    if text.isascii():  # most chat text: one C-level pass over bytes
        folded = text.encode("ascii").translate(_ASCII, _ASCII_DROP).decode("ascii")
        if _LEET_CHAR.search(folded):
            folded = _LEET_WORD.sub(_unleet, folded).replace("@", " ").replace("$", " ")
        return f" {' '.join(folded.split())} "
    folded = text.lower().translate(_FOLD)
    if _LEET_CHAR.search(folded):
        folded = _LEET_WORD.sub(_unleet, folded)
    return f" {' '.join(_WORD.findall(folded))} "


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` and, per output character, the index in `text` it came from (-1 for the
    spaces between words and at the ends)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for lowered in char.lower():
            for out in lowered.translate(_FOLD):
                chars.append(out)
                origin.append(index)
    folded = "".join(chars)
    if _LEET_CHAR.search(folded):
        folded = _LEET_WORD.sub(_unleet, folded)
    result: list[str] = [" "]
    offsets: list[int] = [-1]
    for word in _WORD.finditer(folded):
        result.append(word.group())
        offsets.extend(origin[word.start() : word.end()])
        result.append(" ")
        offsets.append(-1)
    if len(result) == 1:
        result.append(" ")
        offsets.append(-1)
    return "".join(result), offsets


def original_span(offsets: list[int], start: int, end: int, text_length: int) -> tuple[int, int]:
    """The span in the original text of normalized characters [start, end) (padding excluded)."""
    inside = [offsets[i] for i in range(start, end) if offsets[i] >= 0]
    if not inside:
        return 0, text_length
    return min(inside), max(inside) + 1


def term_variants(term: str) -> list[str]:
    """The normalized forms of a lexicon term: æ/ø/å written out, and typed as bare vowels.

    Only the Norwegian letters of the term itself are expanded (an "ae" already in the term,
    as in "michael", is left as written); at most MAX_VARIANTS forms.
    """
    pieces: list[tuple[str, ...]] = []
    for char in term.lower():
        folded = char.translate(_FOLD)
        pieces.append(_NORWEGIAN_VARIANTS[folded] if char in "æøå" else (folded,))
    forms: list[str] = []
    for combination in product(*pieces):
        form = normalize("".join(combination)).strip()
        if form and form not in forms:
            forms.append(form)
        if len(forms) >= MAX_VARIANTS:
            break
    return forms
