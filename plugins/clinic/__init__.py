"""The clinic's own Pelican plugin. Pelican calls `register()`; the rooms it connects are drawn in
docs/architecture.md. Importing a room (a writers' tool, the audit) does not import the wiring."""


def register():
    from clinic.plugin import connect

    connect()
