"""Media: PDQ hashing, EXIF, thumbnails, hash sets, matching, series and review."""
