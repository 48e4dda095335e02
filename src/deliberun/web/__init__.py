"""web layer of deliberun (see ../shared/design/ARCHITECTURE.md)."""
