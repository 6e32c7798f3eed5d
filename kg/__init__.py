"""paper-kg: machine-learning paper abstracts in, knowledge graph out."""
__version__ = "0.1.0"
