"""KOKO linked open data: publish the Regional Cohesion and Competitiveness Programme as RDF."""

__version__ = "0.1.0"
