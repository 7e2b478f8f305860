"""Catalogue: chapter 5's ``flatten_images(images: (m, h, w) uint8) -> X: (h * w, m)``."""

from __future__ import annotations

from textwrap import dedent

from graders.catalogue import Implementation


def _impl(name: str, source: str, diagnosis: str | None = None) -> Implementation:
    source = dedent(source).strip() + "\n"
    return Implementation("flatten_images", name, source, diagnosis, "images")


WRONG = [
    _impl("examples as rows (m, h*w)", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1) / 255
    """, r"one image per row: examples are the columns"),
    _impl("reshape(h*w, m) without transposing", """
        def flatten_images(images):
            m, h, w = images.shape
            return images.reshape(h * w, m) / 255
    """, r"each column mixes pixels of several images"),
    _impl("reshape(-1, m), the same scramble", """
        def flatten_images(images):
            return images.reshape(-1, images.shape[0]) / 255.0
    """, r"each column mixes pixels of several images"),
    _impl("integer division", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1).T // 255
    """, r"// is integer \(floor\) division"),
    _impl("not scaled", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1).T.astype(float)
    """, r"unscaled \(0-255\): divide by 255"),
    _impl("not scaled, still uint8", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1).T
    """, r"unscaled \(0-255\)"),
    _impl("scaled by 256", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1).T / 256
    """, r"divided by 256"),
    _impl("scaled by the largest pixel", """
        def flatten_images(images):
            X = images.reshape(images.shape[0], -1).T
            return X / X.max()
    """, r"divided by the brightest pixel of the images"),
    _impl("uint8 overflow: a percentage first", """
        def flatten_images(images):
            percent = images.reshape(images.shape[0], -1).T * 100
            return percent / 25500
    """, r"wrapped around: arithmetic on uint8"),
    _impl("Fortran order", """
        def flatten_images(images):
            m = images.shape[0]
            return images.reshape(m, -1, order="F").T / 255
    """, r"column-major \(Fortran\) order"),
    _impl("Fortran order through images.T", """
        def flatten_images(images):
            m, h, w = images.shape
            return images.T.reshape(h * w, m) / 255
    """, r"column-major \(Fortran\) order"),
    _impl("scaled in place", """
        def flatten_images(images):
            images = images.reshape(images.shape[0], -1).T
            images /= 255
            return images
    """, r"UFuncTypeError|cast|float"),
]  # fmt: skip

RIGHT = [
    _impl("reshape, transpose, divide", """
        def flatten_images(images):
            return images.reshape(images.shape[0], -1).T / 255
    """),
    _impl("named sizes, float first", """
        def flatten_images(images):
            m, h, w = images.shape
            X = images.astype(np.float64).reshape(m, h * w)
            return X.T / 255.0
    """),
    _impl("move the example axis last", """
        def flatten_images(images):
            m, h, w = images.shape
            return np.transpose(images, (1, 2, 0)).reshape(h * w, m) / 255
    """),
    _impl("scale first, multiply by 1/255", """
        def flatten_images(images):
            scaled = images * (1 / 255)
            return scaled.reshape(len(images), -1).T
    """),
]  # fmt: skip
