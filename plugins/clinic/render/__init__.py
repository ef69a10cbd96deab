"""What runs inside Pelican while it reads and renders: the clinic reader, its one-parse rewrite and cleaning,
the feed notices, structured data and sitemap dates. Signal wiring is in clinic/plugin.py."""
