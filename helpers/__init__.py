"""Shared code of the executable book *From Convolution to CNNs*.

One module per topic, each taught in a chapter:

- :mod:`helpers.book`: notebook set-up (quiet logs, seeds) and ``glue``.
- :mod:`helpers.convolution`: 2-D convolution and correlation (chapter 1).
- :mod:`helpers.kernels`: box, Gaussian and Sobel kernels (chapters 1-2).
- :mod:`helpers.images`: the sample photo and image figures (chapters 1-2).
- :mod:`helpers.plotting`: number grids, the sliding kernel, animations (chapter 1 on).
- :mod:`helpers.filters`: blurs, Sobel gradients, timing (chapter 2).
- :mod:`helpers.perceptron` and :mod:`helpers.nn`: the perceptron and a NumPy MLP (chapter 3).
- :mod:`helpers.conv_layer`: convolution as a layer, its gradients (chapters 4-5).
- :mod:`helpers.data`: MNIST loading and the article's split (chapter 6).
- :mod:`helpers.models`: the article's CNN and its successors (chapters 6-7).

Importing the package is cheap: no module imports TensorFlow or Keras at
import time, so :func:`helpers.book.setup` can silence them first.
"""

from helpers.book import glue, setup

__all__ = ["glue", "setup"]
