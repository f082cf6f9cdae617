"""Networks: a graph of persons and unresolved accounts with typed, weighted edges, Leiden
communities, roles, and leads (unknown accounts and identifiers ranked by evidence of involvement).

`build.run_network` is the stage (`darkroom network build`, and `darkroom analyse` after identity
and media); `queries` reads what it stored; `export` writes GraphML, GEXF and CSV; `marks` keeps
investigators' decisions on leads. Every tunable lives in `settings`.
"""
