"""Image decoding: the transform from the decoded pixels back to the file's own grid."""

from __future__ import annotations

import numpy as np

from processor.io.decode import decode_image_with_transform
from tests.conftest import exif_jpeg, stored_point


def test_transform_back_to_the_stored_grid() -> None:
    """A dot in every EXIF orientation, and through the reduced decode of a large JPEG."""
    upright = np.full((600, 900, 3), 255, np.uint8)
    upright[100:110, 200:210] = 0  # centre (205, 105)
    for orientation, scale in ((1, 1.0), (3, 1.0), (6, 1.0), (8, 1.0), (6, 3.0), (1, 3.5)):
        data = exif_jpeg(upright, orientation, scale)
        image, transform = decode_image_with_transform(data, max_pixels=10**8, min_side=64)
        assert max(image.shape) <= 2048
        ys, xs = np.nonzero(image[:, :, 0] < 100)
        x, y = transform.to_original(float(xs.mean()) + 0.5, float(ys.mean()) + 0.5)
        ex, ey = stored_point(205, 105, 900, 600, orientation)
        assert abs(x - ex * scale) < 2 * scale and abs(y - ey * scale) < 2 * scale, orientation
