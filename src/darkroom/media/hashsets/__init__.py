"""Known hash sets: readers per format (VICS, CSV, NSRL), import into the case, the category scheme,
and VICS 2.0 export. Readers register under the `darkroom.hashsets` entry-point group."""
