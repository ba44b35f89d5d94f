"""Entry points: parse argv and hand over to the front end that owns the command. No logic here."""
