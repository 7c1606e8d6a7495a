"""fastapi-stack: render the FastAPI service template and prove what it renders.

Modules: ``render`` (copier, in-process), ``smoke`` (checks, boot and the HTTP contract of one
project), ``matrix`` (every supported combination), ``services`` (the local test servers) and
``cli`` (the thin Typer front end).
"""
