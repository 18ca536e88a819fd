"""Shared code of the executable book *From Convolution to CNNs*.

One module per topic, each taught in a chapter:

- :mod:`helpers.book`: notebook set-up (quiet logs, seeds) and ``glue``.
- :mod:`helpers.convolution`: 2-D convolution and correlation (chapter 1).
- :mod:`helpers.kernels`: box, Gaussian and Sobel kernels (chapters 1-2).
- :mod:`helpers.images`: the sample photo and image figures (chapters 1-2).
- :mod:`helpers.data`: MNIST loading and the article's split (chapter 6).

Importing the package is cheap: no module imports TensorFlow or Keras at
import time, so :func:`helpers.book.setup` can silence them first.
"""

from helpers.book import glue, setup

__all__ = ["glue", "setup"]
