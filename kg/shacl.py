"""SHACL Core shapes compiled to SPARQL, run by the store's own query engine.

Every shape that has targets becomes one SELECT query over its focus nodes, with one boolean
column per constraint (aggregates over the value nodes for a property shape), returning only the
focus nodes that violate something: the checks run in the store's engine over the whole dataset,
and only results reach Python. The violating values of a per-value constraint are then fetched
for those focus nodes alone. Shapes nested in sh:or, sh:and, sh:not, sh:xone, sh:node and
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
from dataclasses import dataclass, field, replace

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
class Constraint:
    """One constraint of a shape, as one column of the shape's query."""

    component: str
    violated: str  # SPARQL boolean: over the group's aggregates (property shape) or over ?this (node shape)
    value_condition: str | None = None  # what each value must meet; violating values are fetched with it
    reports_value: bool = False


@dataclass(frozen=True)
class ShapeQuery:
    """Every constraint of one shape over its targets, in one query.

    ``form`` is "flags" (one row per focus node violating at least one constraint, a boolean
    column per constraint) or "rows" (one row per result, for constraints that need their own
    grouping such as sh:uniqueLang).
    """

    shape: object  # the shape the results name as sh:sourceShape
    severity: str
    path: object | None  # the sh:path node in the shapes graph, for property shapes
    path_sparql: str | None
    messages: tuple
    query: str
    constraints: tuple[Constraint, ...]
    form: str = "flags"
    target_classes: frozenset = frozenset()  # the class targets, when the shape has no other kind of target

    def details_query(self, constraint: Constraint, focus_nodes: list) -> str:
        """The values of the given focus nodes that violate a per-value constraint."""
        values = " ".join(str(f) for f in focus_nodes)
        return (f"SELECT DISTINCT ?this ?value WHERE {{ VALUES ?this {{ {values} }} ?this {self.path_sparql} ?value "
                f"FILTER(!COALESCE({constraint.value_condition}, false)) }}")


def _no_subclasses(cls: str) -> list:
    return [ox.NamedNode(cls)]


@dataclass
class _Compiler:
    graph: ShapesGraph
    subclasses: Callable[[str], list] = _no_subclasses
    counter: itertools.count = field(default_factory=itertools.count)

    def var(self) -> str:
        return f"?_v{next(self.counter)}"

    def instance_of(self, v: str, cls) -> str:
        """A pattern: ``v`` is a SHACL instance of ``cls`` (rdf:type/rdfs:subClassOf*).

        The subclasses are looked up once in the data, so the pattern is an index lookup on
        ``v``'s types rather than a path walked again for every node.
        """
        classes = self.subclasses(cls.value)
        if any(not isinstance(c, ox.NamedNode) for c in classes):  # a blank-node class: walk the path
            return f"{v} <{RDF}type>/<{RDFS}subClassOf>* {cls}"
        t = self.var()
        return f"{v} <{RDF}type> {t} VALUES {t} {{ {' '.join(str(c) for c in classes)} }}"

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
        if self._is_class(shape):
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

    # --- top-level queries --------------------------------------------------------------------

    def queries(self) -> list[ShapeQuery]:
        g = self.graph
        queries: list[ShapeQuery] = []
        for shape in sorted(g.subjects(), key=str):
            targets = self.targets(shape)
            if targets is None or self._deactivated(shape):
                continue
            if g.value(shape, SH + "path") is not None:
                shape_queries = self.property_shape_queries(shape, targets)
            else:
                shape_queries = self.node_shape_queries(shape, targets)
                for property_shape in g.objects(shape, SH + "property"):
                    if not self._deactivated(property_shape):
                        shape_queries += self.property_shape_queries(property_shape, targets)
            classes = self.class_targets(shape)
            queries += [replace(q, target_classes=classes) for q in shape_queries] if classes else shape_queries
        return queries

    def _is_class(self, shape) -> bool:
        """A shape that is also a class targets its own instances (SHACL's implicit class target)."""
        g = self.graph
        return shape in g.typed.get(RDFS + "Class", []) or shape in g.typed.get("http://www.w3.org/2002/07/owl#Class", [])

    def class_targets(self, shape) -> frozenset:
        """The classes a shape targets, if class targets are all it has (else empty)."""
        g = self.graph
        if any(g.objects(shape, SH + kind) for kind in ("targetSubjectsOf", "targetObjectsOf", "targetNode")):
            return frozenset()
        if self._is_class(shape):
            return frozenset()
        return frozenset(c.value for c in g.objects(shape, SH + "targetClass") if isinstance(c, ox.NamedNode))

    def _header(self, shape) -> tuple[str, tuple]:
        severity = self.graph.value(shape, SH + "severity")
        return (severity.value if severity is not None else SH + "Violation"), tuple(self.graph.objects(shape, SH + "message"))

    def _parameters(self, shape):
        for predicate in self.graph.predicates(shape):
            if predicate not in _NOT_CONSTRAINTS:
                for parameter in self.graph.objects(shape, predicate):
                    local = predicate[len(SH):] if predicate.startswith(SH) else predicate
                    yield predicate, parameter, SH + local[0].upper() + local[1:] + "ConstraintComponent"

    def node_shape_queries(self, shape, targets: str) -> list[ShapeQuery]:
        severity, messages = self._header(shape)
        constraints = []
        for predicate, parameter, component in self._parameters(shape):
            if predicate == SH + "hasValue":
                constraints.append(Constraint(component, f"!sameTerm(?this, {parameter})"))
                continue
            condition = self.value_condition(shape, predicate, parameter, "?this")
            if condition is None:
                raise UnsupportedShape(f"{predicate} (in {shape}) is not supported by the native validator; "
                                       "use --validator pyshacl")
            constraints.append(Constraint(component, f"!COALESCE({condition}, false)", reports_value=True))
        if not constraints:
            return []
        binds = " ".join(f"BIND({c.violated} AS ?c{i})" for i, c in enumerate(constraints))
        columns = " ".join(f"?c{i}" for i in range(len(constraints)))
        query = (f"SELECT ?this {columns} WHERE {{ {targets} {binds} "
                 f"FILTER({' || '.join(f'?c{i}' for i in range(len(constraints)))}) }}")
        return [ShapeQuery(shape, severity, None, None, messages, query, tuple(constraints))]

    def property_shape_queries(self, shape, targets: str) -> list[ShapeQuery]:
        g = self.graph
        severity, messages = self._header(shape)
        path_node = g.value(shape, SH + "path")
        path = self.path(path_node)
        constraints: list[Constraint] = []
        separate: list[ShapeQuery] = []
        needs_empty = False  # whether focus nodes without any value can violate
        for predicate, parameter, component in self._parameters(shape):
            if predicate == SH + "minCount":
                constraints.append(Constraint(component, f"(COUNT(DISTINCT ?value) < {int(parameter.value)})"))
                needs_empty = True
            elif predicate == SH + "maxCount":
                constraints.append(Constraint(component, f"(COUNT(DISTINCT ?value) > {int(parameter.value)})"))
            elif predicate == SH + "hasValue":
                constraints.append(Constraint(
                    component, f"(MAX(IF(BOUND(?value) && sameTerm(?value, {parameter}), 1, 0)) = 0)"))
                needs_empty = True
            elif predicate == SH + "qualifiedValueShape":
                disjoint = g.value(shape, SH + "qualifiedValueShapesDisjoint")
                if disjoint is not None and disjoint.value == "true":
                    raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint (in {shape}) is not supported")
                conforming = f"COUNT(DISTINCT IF(COALESCE({self.conforms(parameter, '?value')}, false), ?value, ?_none))"
                for bound, operator, local in (("qualifiedMinCount", "<", "QualifiedMinCount"),
                                               ("qualifiedMaxCount", ">", "QualifiedMaxCount")):
                    limit = g.value(shape, SH + bound)
                    if limit is not None:
                        constraints.append(Constraint(SH + local + "ConstraintComponent",
                                                      f"({conforming} {operator} {int(limit.value)})"))
                        needs_empty = needs_empty or operator == "<"
            elif predicate == SH + "uniqueLang":
                if parameter.value == "true":
                    query = (f"SELECT ?this WHERE {{ {targets} ?this {path} ?value "
                             f'FILTER(isLiteral(?value) && lang(?value) != "") BIND(LCASE(lang(?value)) AS ?lang) }} '
                             "GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?value) > 1)")
                    separate.append(ShapeQuery(shape, severity, path_node, path, messages, query,
                                               (Constraint(component, "true"),), form="rows"))
            elif predicate == SH + "equals":
                query = (f"SELECT DISTINCT ?this ?value WHERE {{ {targets} "
                         f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {parameter} ?value }} }} UNION "
                         f"{{ ?this {parameter} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}")
                separate.append(ShapeQuery(shape, severity, path_node, path, messages, query,
                                           (Constraint(component, "true", reports_value=True),), form="rows"))
            else:
                if predicate in (SH + "lessThan", SH + "lessThanOrEquals"):
                    operator = "<" if predicate == SH + "lessThan" else "<="
                    other = self.var()
                    condition = (f"NOT EXISTS {{ ?this {parameter} {other} "
                                 f"FILTER(!COALESCE(?value {operator} {other}, false)) }}")
                elif predicate == SH + "disjoint":
                    condition = f"NOT EXISTS {{ ?this {parameter} ?value }}"
                else:
                    condition = self.value_condition(shape, predicate, parameter, "?value")
                if condition is None:
                    raise UnsupportedShape(f"{predicate} (in {shape}) is not supported by the native validator; "
                                           "use --validator pyshacl")
                constraints.append(Constraint(
                    component, f"(MAX(IF(BOUND(?value) && !COALESCE({condition}, false), 1, 0)) = 1)",
                    value_condition=condition, reports_value=True))
        if constraints:
            values = f"OPTIONAL {{ ?this {path} ?value }}" if needs_empty else f"?this {path} ?value"
            columns = " ".join(f"({c.violated} AS ?c{i})" for i, c in enumerate(constraints))
            query = (f"SELECT ?this {columns} WHERE {{ {targets} {values} }} GROUP BY ?this "
                     f"HAVING ({' || '.join(c.violated for c in constraints)})")
            separate.insert(0, ShapeQuery(shape, severity, path_node, path, messages, query, tuple(constraints)))
        return separate


def compile_shapes(shapes_turtle: str, subclasses: Callable[[str], list] = _no_subclasses,
                   ) -> tuple[ShapesGraph, list[ShapeQuery]]:
    """Read the shapes and compile every constraint of every targeted shape to a query.

    ``subclasses(C)`` lists C and every class the data says is a subclass of it (as terms).
    """
    graph = ShapesGraph(ox.parse(shapes_turtle, format=ox.RdfFormat.TURTLE))
    return graph, _Compiler(graph, subclasses).queries()


def path_text(graph: ShapesGraph, node) -> str | None:
    """A path as SPARQL property-path text (an IRI stays a bare IRI)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return node.value
    return _Compiler(graph).path(node)
