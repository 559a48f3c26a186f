"""Kaifang KG: a knowledge graph of China's opening-up platforms built from policy documents."""

__version__ = "0.1.0"
