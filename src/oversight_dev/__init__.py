"""Development tools for the ``oversight`` warehouse, not part of the runtime package.

* :mod:`oversight_dev.synthetic`: synthetic raw NHS returns in the published layouts (never publishable).
* :mod:`oversight_dev.benchmark`: the national-scale benchmark on synthetic data.

The package lives beside ``oversight`` under ``src/`` and is importable from a development (editable) install and
from the tests; the built distribution ships ``oversight`` only, and ``oversight`` never imports this package
(tests/python/test_package_structure.py).
"""
