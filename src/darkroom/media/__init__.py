"""Media: PDQ hashing, EXIF, thumbnails, hash sets, matching, series and review.

The two PDQ thresholds live here, importing nothing, so the CLI can name them without loading
numpy and the hasher at start-up.
"""

from typing import Final

# pdq/README.md: a match is a Hamming distance of at most 31 bits.
MATCH_DISTANCE: Final = 31
# python-threatexchange's PdqSignal.QUALITY_THRESHOLD: hashes below this are too flat to match on.
QUALITY_THRESHOLD: Final = 50
