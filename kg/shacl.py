"""SHACL Core shapes compiled to SPARQL, run by the store's own query engine.

Each constraint of each shape that has targets becomes one SELECT query returning the focus
nodes (and value nodes) that violate it: the checks run in Rust over the whole dataset, and only
results reach Python. Shapes nested in sh:or, sh:and, sh:not, sh:xone, sh:node and
sh:qualifiedValueShape become boolean SPARQL expressions ("this node conforms").

Semantics follow the SHACL recommendation and pyshacl's reading of it (the reference engine,
compared result for result in tests/test_equivalence.py), with one deliberate difference: a
literal whose lexical form is not valid for its datatype (``"20x0"^^xsd:gYear``) fails
sh:datatype for every XSD type the store knows, where pyshacl only checks the types Python can
parse. A shape feature this compiler does not know is an error naming the feature, never a
silently skipped check.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import UserError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_NIL = ox.NamedNode(RDF + "nil")

# XSD datatypes with a SPARQL cast function in the store: a literal is well formed if it casts.
CASTABLE = {XSD + local for local in (
    "boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "gYear", "gYearMonth",
    "gMonth", "gDay", "gMonthDay", "duration", "dayTimeDuration", "yearMonthDuration",
)}

# Parameters that belong to a constraint handled elsewhere, or are not constraints at all.
_NOT_CONSTRAINTS = {SH + local for local in (
    "path", "property", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "severity",
    "message", "name", "description", "deactivated", "order", "group", "defaultValue",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "flags", "declare", "prefixes",
)} | {RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"}


class UnsupportedShape(UserError):
    """The shapes use a SHACL feature the compiler does not implement."""


class ShapesGraph:
    """The shapes file as plain indexes: enough to read shapes, lists and parameters."""

    def __init__(self, triples) -> None:
        self.out: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.typed: dict[str, list] = defaultdict(list)
        for t in triples:
            self.out[t.subject][t.predicate.value].append(t.object)
            if t.predicate == RDF_TYPE:
                self.typed[t.object.value].append(t.subject)

    def objects(self, node, predicate: str) -> list:
        return self.out.get(node, {}).get(predicate, [])

    def value(self, node, predicate: str):
        values = self.objects(node, predicate)
        return values[0] if values else None

    def predicates(self, node) -> list[str]:
        return list(self.out.get(node, {}))

    def items(self, head) -> list:
        items = []
        while head is not None and head != RDF_NIL:
            items.append(self.value(head, RDF + "first"))
            head = self.value(head, RDF + "rest")
        return items

    def subjects(self):
        return list(self.out)


@dataclass(frozen=True)
class Check:
    """One query for one constraint of one shape; rows are (?this, ?value) violations."""

    shape: object  # the shape the results name as sh:sourceShape
    component: str
    severity: str
    path: object | None  # the sh:path node in the shapes graph, for property shapes
    query: str
    messages: tuple = ()
    has_value: bool = True  # whether ?value is reported as sh:value


def _no_subclasses(cls: str) -> list[str]:
    return [cls]


@dataclass
class _Compiler:
    graph: ShapesGraph
    subclasses: Callable[[str], list[str]] = _no_subclasses
    counter: itertools.count = field(default_factory=itertools.count)

    def var(self) -> str:
        return f"?_v{next(self.counter)}"

    def instance_of(self, v: str, cls) -> str:
        """A pattern: ``v`` is a SHACL instance of ``cls`` (rdf:type/rdfs:subClassOf*).

        The subclasses are looked up once in the data, so the pattern is an index lookup on
        ``v``'s types rather than a path walked again for every node.
        """
        classes = self.subclasses(cls.value)
        t = self.var()
        return f"{v} <{RDF}type> {t} VALUES {t} {{ {' '.join(f'<{c}>' for c in classes)} }}"

    # --- paths and targets -------------------------------------------------------------------

    def path(self, node) -> str:
        if isinstance(node, ox.NamedNode):
            return str(node)
        g = self.graph
        if g.value(node, RDF + "first") is not None:
            return "(" + "/".join(self.path(p) for p in g.items(node)) + ")"
        for predicate, template in ((SH + "inversePath", "^({})"), (SH + "zeroOrMorePath", "({})*"),
                                    (SH + "oneOrMorePath", "({})+"), (SH + "zeroOrOnePath", "({})?")):
            inner = g.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = g.value(node, SH + "alternativePath")
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in g.items(alternatives)) + ")"
        raise UnsupportedShape(f"unsupported SHACL path {node}")

    def targets(self, shape) -> str | None:
        g = self.graph
        parts = [f"{{ {self.instance_of('?this', c)} }}" for c in g.objects(shape, SH + "targetClass")]
        if shape in g.typed.get(RDFS + "Class", []) or shape in g.typed.get("http://www.w3.org/2002/07/owl#Class", []):
            parts.append(f"{{ {self.instance_of('?this', shape)} }}")  # implicit class target
        parts += [f"{{ ?this {p} [] }}" for p in g.objects(shape, SH + "targetSubjectsOf")]
        parts += [f"{{ [] {p} ?this }}" for p in g.objects(shape, SH + "targetObjectsOf")]
        nodes = g.objects(shape, SH + "targetNode")
        if nodes:
            parts.append("{ VALUES ?this { " + " ".join(str(n) for n in nodes) + " } }")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # --- "this node conforms" as a SPARQL expression -----------------------------------------

    def value_condition(self, shape, predicate: str, parameter, v: str) -> str | None:
        """The expression for a constraint that each value node must meet, or None if not one."""
        g = self.graph
        if predicate == SH + "class":
            return f"EXISTS {{ {self.instance_of(v, parameter)} }}"
        if predicate == SH + "datatype":
            return self.datatype(parameter.value, v)
        if predicate == SH + "nodeKind":
            kinds = {"IRI": f"isIRI({v})", "BlankNode": f"isBlank({v})", "Literal": f"isLiteral({v})",
                     "BlankNodeOrIRI": f"(isBlank({v}) || isIRI({v}))",
                     "BlankNodeOrLiteral": f"(isBlank({v}) || isLiteral({v}))",
                     "IRIOrLiteral": f"(isIRI({v}) || isLiteral({v}))"}
            return kinds[parameter.value[len(SH):]]
        if predicate == SH + "in":
            members = g.items(parameter)
            return "(" + " || ".join(f"sameTerm({v}, {m})" for m in members) + ")" if members else "false"
        if predicate == SH + "pattern":
            flags = g.value(shape, SH + "flags")
            arguments = f"{ox.Literal(parameter.value)}" + (f", {ox.Literal(flags.value)}" if flags else "")
            return f"(!isBlank({v}) && REGEX(STR({v}), {arguments}))"
        if predicate == SH + "languageIn":
            wanted = [str(item.value).lower() for item in g.items(parameter)]
            if "*" in wanted:
                return f'(isLiteral({v}) && lang({v}) != "")'
            listed = ", ".join(str(ox.Literal(w)) for w in wanted)
            return (f'(isLiteral({v}) && lang({v}) != "" && (LCASE(lang({v})) IN ({listed}) || '
                    f'LCASE(STRBEFORE(CONCAT(lang({v}), "-"), "-")) IN ({listed})))')
        comparisons = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        local = predicate[len(SH):] if predicate.startswith(SH) else None
        if local in comparisons:
            return f"COALESCE({v} {comparisons[local]} {parameter}, false)"
        if local in ("minLength", "maxLength"):
            operator = ">=" if local == "minLength" else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {int(parameter.value)})"
        if predicate == SH + "node":
            return self.conforms(parameter, v)
        if predicate == SH + "not":
            return f"!({self.conforms(parameter, v)})"
        if predicate in (SH + "or", SH + "and"):
            members = [self.conforms(m, v) for m in g.items(parameter)]
            joiner = " || " if predicate == SH + "or" else " && "
            return "(" + joiner.join(members) + ")" if members else ("false" if joiner == " || " else "true")
        if predicate == SH + "xone":
            members = [f"IF({self.conforms(m, v)}, 1, 0)" for m in g.items(parameter)]
            return "((" + " + ".join(members or ["0"]) + ") = 1)"
        return None

    def datatype(self, datatype: str, v: str) -> str:
        if datatype == RDF + "langString":
            return f'(isLiteral({v}) && lang({v}) != "")'
        if datatype == RDFS + "Literal":
            return f"isLiteral({v})"
        check = f"(isLiteral({v}) && datatype({v}) = <{datatype}>"
        if datatype in CASTABLE:
            check += f" && COALESCE(isLiteral(<{datatype}>({v})), false)"
        return check + ")"

    def conforms(self, shape, v: str) -> str:
        """True when node ``v`` conforms to ``shape`` (targets ignored, as for nested shapes)."""
        g = self.graph
        if self._deactivated(shape):
            return "true"
        terms = []
        path = g.value(shape, SH + "path")
        if path is not None:
            terms += self.property_conditions(shape, self.path(path), v)
        else:
            for predicate in g.predicates(shape):
                if predicate in _NOT_CONSTRAINTS:
                    continue
                for parameter in g.objects(shape, predicate):
                    if predicate == SH + "hasValue":
                        terms.append(f"sameTerm({v}, {parameter})")
                        continue
                    condition = self.value_condition(shape, predicate, parameter, v)
                    if condition is None:
                        raise UnsupportedShape(f"{predicate} in a nested shape ({shape}) is not supported")
                    terms.append(condition)
        for property_shape in g.objects(shape, SH + "property"):
            if not self._deactivated(property_shape):
                terms += self.property_conditions(property_shape, self.path(g.value(property_shape, SH + "path")), v)
        return "(" + " && ".join(terms) + ")" if terms else "true"

    def property_conditions(self, shape, path: str, v: str) -> list[str]:
        g = self.graph
        terms = []
        for predicate in g.predicates(shape):
            if predicate in _NOT_CONSTRAINTS:
                continue
            for parameter in g.objects(shape, predicate):
                x = self.var()
                if predicate == SH + "minCount":
                    n = int(parameter.value)
                    if n > 1:
                        raise UnsupportedShape(f"sh:minCount {n} in a nested shape ({shape}) is not supported")
                    if n == 1:
                        terms.append(f"EXISTS {{ {v} {path} {x} }}")
                elif predicate == SH + "maxCount":
                    n = int(parameter.value)
                    if n == 0:
                        terms.append(f"NOT EXISTS {{ {v} {path} {x} }}")
                    elif n == 1:
                        y = self.var()
                        terms.append(f"NOT EXISTS {{ {v} {path} {x} . {v} {path} {y} FILTER(!sameTerm({x}, {y})) }}")
                    else:
                        raise UnsupportedShape(f"sh:maxCount {n} in a nested shape ({shape}) is not supported")
                elif predicate == SH + "hasValue":
                    terms.append(f"EXISTS {{ {v} {path} {parameter} }}")
                else:
                    condition = self.value_condition(shape, predicate, parameter, x)
                    if condition is None:
                        raise UnsupportedShape(f"{predicate} in a nested shape ({shape}) is not supported")
                    terms.append(f"NOT EXISTS {{ {v} {path} {x} FILTER(!({condition})) }}")
        return terms

    def _deactivated(self, shape) -> bool:
        flag = self.graph.value(shape, SH + "deactivated")
        return flag is not None and flag.value == "true"

    # --- top-level checks ----------------------------------------------------------------------

    def checks(self) -> list[Check]:
        g = self.graph
        checks: list[Check] = []
        for shape in sorted(g.subjects(), key=str):
            targets = self.targets(shape)
            if targets is None or self._deactivated(shape):
                continue
            if g.value(shape, SH + "path") is not None:
                checks += self.shape_checks(shape, targets, property_of=None)
                continue
            checks += self.shape_checks(shape, targets, property_of=None, node_shape=True)
            for property_shape in g.objects(shape, SH + "property"):
                if not self._deactivated(property_shape):
                    checks += self.shape_checks(property_shape, targets, property_of=shape)
        return checks

    def shape_checks(self, shape, targets: str, property_of, node_shape: bool = False) -> list[Check]:
        g = self.graph
        severity = g.value(shape, SH + "severity")
        severity = severity.value if severity is not None else SH + "Violation"
        messages = tuple(g.objects(shape, SH + "message"))
        path_node = None if node_shape else g.value(shape, SH + "path")
        path = None if node_shape else self.path(path_node)
        values = "BIND(?this AS ?value)" if node_shape else f"?this {path} ?value ."
        checks = []

        def check(component: str, query: str, has_value: bool = True) -> None:
            checks.append(Check(shape, SH + component, severity, path_node, query, messages, has_value))

        for predicate in g.predicates(shape):
            if predicate in _NOT_CONSTRAINTS:
                continue
            for parameter in g.objects(shape, predicate):
                local = predicate[len(SH):]
                component = local[0].upper() + local[1:] + "ConstraintComponent"
                if predicate == SH + "qualifiedValueShape":
                    checks += self.qualified(shape, parameter, targets, path, severity, path_node, messages)
                    continue
                if predicate == SH + "minCount" and not node_shape:
                    n = int(parameter.value)
                    if n == 1:
                        query = f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
                    else:
                        query = (f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?value }} }} "
                                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})")
                    check(component, query, has_value=False)
                elif predicate == SH + "maxCount" and not node_shape:
                    query = (f"SELECT ?this WHERE {{ {targets} ?this {path} ?value }} "
                             f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(parameter.value)})")
                    check(component, query, has_value=False)
                elif predicate == SH + "uniqueLang" and not node_shape:
                    if parameter.value != "true":
                        continue
                    query = (f"SELECT ?this WHERE {{ {targets} ?this {path} ?value "
                             f'FILTER(isLiteral(?value) && lang(?value) != "") BIND(LCASE(lang(?value)) AS ?lang) }} '
                             "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")
                    check(component, query, has_value=False)
                elif predicate == SH + "hasValue":
                    if node_shape:
                        query = f"SELECT ?this WHERE {{ {targets} FILTER(!sameTerm(?this, {parameter})) }}"
                    else:
                        query = f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path} {parameter} }} }}"
                    check(component, query, has_value=False)
                elif predicate in (SH + "lessThan", SH + "lessThanOrEquals") and not node_shape:
                    operator = "<" if predicate == SH + "lessThan" else "<="
                    query = (f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} ?this {parameter} ?_other "
                             f"FILTER(!COALESCE(?value {operator} ?_other, false)) }}")
                    check(component, query)
                elif predicate == SH + "equals":
                    query = (f"SELECT DISTINCT ?this ?value WHERE {{ {targets} "
                             f"{{ {values} FILTER NOT EXISTS {{ ?this {parameter} ?value }} }} UNION "
                             f"{{ ?this {parameter} ?value FILTER NOT EXISTS {{ {values} }} }} }}")
                    check(component, query)
                elif predicate == SH + "disjoint":
                    query = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} ?this {parameter} ?value }}"
                    check(component, query)
                else:
                    condition = self.value_condition(shape, predicate, parameter, "?value")
                    if condition is None:
                        raise UnsupportedShape(
                            f"{predicate} (in {shape}) is not supported by the native validator; "
                            "use --validator pyshacl")
                    query = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} FILTER(!({condition})) }}"
                    check(component, query)
        return checks

    def qualified(self, shape, value_shape, targets, path, severity, path_node, messages) -> list[Check]:
        g = self.graph
        disjoint = g.value(shape, SH + "qualifiedValueShapesDisjoint")
        if disjoint is not None and disjoint.value == "true":
            raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint (in {shape}) is not supported")
        conforming = f"OPTIONAL {{ ?this {path} ?value FILTER({self.conforms(value_shape, '?value')}) }}"
        checks = []
        for parameter, operator, component in (("qualifiedMinCount", "<", "QualifiedMinCountConstraintComponent"),
                                               ("qualifiedMaxCount", ">", "QualifiedMaxCountConstraintComponent")):
            bound = g.value(shape, SH + parameter)
            if bound is None:
                continue
            query = (f"SELECT ?this WHERE {{ {targets} {conforming} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {operator} {int(bound.value)})")
            checks.append(Check(shape, SH + component, severity, path_node, query, messages, False))
        return checks


def compile_shapes(shapes_turtle: str, subclasses: Callable[[str], list[str]] = _no_subclasses,
                   ) -> tuple[ShapesGraph, list[Check]]:
    """Read the shapes and compile every constraint of every targeted shape to a query.

    ``subclasses(C)`` lists C and every class the data says is a subclass of it.
    """
    graph = ShapesGraph(ox.parse(shapes_turtle, format=ox.RdfFormat.TURTLE))
    return graph, _Compiler(graph, subclasses).checks()


def path_text(graph: ShapesGraph, node) -> str | None:
    """A path as SPARQL property-path text (an IRI stays a bare IRI)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return node.value
    return _Compiler(graph).path(node)
