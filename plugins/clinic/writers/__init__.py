"""The writers' tools: a new post, the editorial report, the live preview and the editor at /admin/."""
