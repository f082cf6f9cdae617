"""Court and partner outputs: the prosecution package per suspect (HTML and PDF) and the exports."""
