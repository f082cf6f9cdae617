"""Identifiers: extraction and normalization, one module per identifier kind.

`extract.extract(text, region)` runs every kind over one text and returns `Found` records; each kind's
module (`phone`, `emails`, `onion`, `bitcoin`, `ethereum`, `monero`, `network`) also offers its own
`normalize` (a clean value or None) and `find`. `normalize.py` holds the account-key normalizers.
"""
