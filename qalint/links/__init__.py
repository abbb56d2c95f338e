"""Link checking: URL helpers, heading anchors, the online checker and its cache.

The offline pieces (``urls``, ``anchors``, ``syntax``) are pure functions over text and
Documents. The online pieces (``checker``, ``cache``, ``progress``) do I/O and are imported
only when ``--check-urls`` (or ``links.check-urls``) asks for network checks.
"""
