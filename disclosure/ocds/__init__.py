"""Open Contracting Data Standard 1.1 for every stage of every procurement (issue #15).

- ``releases``: one release per stage event, built from the lifecycle's own rows;
- ``packages``: release and record packages (records compiled with ``ocdsmerge``);
- ``standard``: the standard's schema, taken from PyPI packages (no other network here),
  and validation with the standard's own checker (``libcoveocds``);
- ``extensions/complaints/``: our extension for 质疑 and 投诉, in the extension format.

The ocid prefix (``OCDS_OCID_PREFIX``) must be the one the Open Contracting Partnership
registers for this publisher; the default ``ocds-chunfeng`` is a placeholder.
"""
