"""Reading a card: locating it, its rows, crops and fields, and the typed outcome."""
