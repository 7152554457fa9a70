"""The wire: request bodies in, image bytes decoded to pixels, answers encoded out."""
