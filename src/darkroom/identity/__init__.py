"""Identity resolution: accounts and contact cards resolved into persons.

`stage.run_identity` is the stage (`darkroom identity resolve`, part of `analyse`);
`decisions` records investigators' merge, split, confirm and reject-link; `queries` is the
read side for the CLI, the web app and reports; `scoring` scores resolution against truth.
"""
