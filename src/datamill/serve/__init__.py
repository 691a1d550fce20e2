"""`datamill serve`: a read-only web interface, JSON API and CSV export (serve.md)."""
