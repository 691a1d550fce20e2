"""datamill: turn messy public data into SQLite databases."""
