"""The card: its facts, its printed template, and finding, rectifying and judging it in an image."""
