"""What the output audit proves of a built site, apart from the rules: every page and feed, every link."""
