"""Real exports → the data contract (issue 16): the national monitoring system's person export, the 务工
sheet, the 民政 低保/特困 rosters and the county's procedure ledger.

No Streamlit here. The CLI is ``python -m lulong_data import KIND FILE... --base DIR --out DIR``
(:mod:`lulong_data.imports.cli`); the data status page calls :func:`lulong_data.imports.run.run_import`
the same way. Modules: ``run`` (recognise → shape → write), ``sheets`` (files and headers), ``profiles``
(+ ``profiles/*.toml``), ``places``, ``people`` and ``secret`` (pseudonyms), ``values``, one module per
kind (``national``, ``wugong``, ``rosters``, ``ledger``), ``state`` (the working folder) and ``report``.
Nothing is imported here, so ``python -m lulong_data check`` stays quick.
"""
