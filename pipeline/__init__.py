"""KOKO linked open data: publish the Regional Cohesion and Competitiveness Programme as RDF.

The package reads as the pipeline runs, one subpackage a stage:

    sources -> graph -> check -> web -> release -> remote

A stage imports only from earlier stages and from the top-level modules (`config`,
`errors`); `cli` sits on top of them all. `tests/test_layout.py` holds the package to that.
"""

__version__ = "0.2.0"
