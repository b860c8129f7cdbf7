"""The coalition workspace: nations enter, see and decide on the guarantee together.

A web application (FastAPI, SQLAlchemy 2, Alembic, Jinja2) over a database that holds scenarios as
immutable revisions, pledge rounds and national pledges, each record labelled with an owner nation and a
releasability set, and an append-only hash-chained audit log. SQLite by default, PostgreSQL for a
deployment. See docs/workspace.md.

Modules (one concept each): ``db`` (engine, sessions, migrations), ``models`` (tables), ``permissions``
(roles and releasability labels), ``auth`` (passwords, sessions, CSRF, throttling), ``audit`` (the chain),
``scenarios`` (revisions, round trip, diff, restore), ``pledges`` (rounds and pledges), ``service``
(errors shared by routes), ``app`` (the FastAPI application), ``routes/`` (API and UI), ``demo``.
"""
