"""Extraction: from a normalised document to entities and facts, each with evidence."""

from __future__ import annotations

from ..lexicon import Lexicon
from ..model import Extraction, SourceDocument, Term
from ..namespaces import Namespaces
from .builder import RuleContext
from .mentions import find_mentions


def extract(document: SourceDocument, lexicon: Lexicon, ns: Namespaces) -> Extraction:
    """Every mention becomes a `kgo:mentionedIn` fact; relation rules add the rest."""
    mentions = find_mentions(document, lexicon)
    context = RuleContext(document, lexicon, ns, mentions)
    mentioned_in = ns.kgo("mentionedIn")
    for mention in mentions:
        context.add(context.iri_of(mention), mentioned_in, Term.iri(context.doc_iri),
                    context.evidence(*mention.evidence_span, mention.rule))
    from .rules import RULES

    for rule in RULES:
        rule(context)
    return context.result
