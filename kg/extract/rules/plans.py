"""Plans and policies: who issued and approved them, the tasks they set, who is responsible.

- Book-title marks name policy instruments: 《…规划》《…方案》《…纲要》《…计划》 are kgo:Plan;
  《…意见》《…办法》《…条例》《…规定》… are kgo:Policy; "(以下简称《规划》)" gives the last
  title a short name that later 《规划》 resolve to. Other titles (news items, newspapers,
  agreements) are left alone.
- The document's own plan: a notice that transmits a plan (现将《…》印发, …关于印发《…》的通知)
  or a document whose title is a plan's title is that plan's text. The Plan is linked to its
  kgo:SourceDocument with foaf:isPrimaryTopicOf: the document's primary topic is the plan.
  (kgo:concerns stays for what a plan is about — the zones and places named in its title —
  and prov:wasDerivedFrom for where a statement comes from, as evidence nodes use it.)
- kgo:issuedBy: "X印发(的)《…》", "X关于印发《…》的通知", and a notice's signature, the
  issuer's name on the lines just above a date line, whose date becomes dcterms:issued.
- kgo:approvedBy: "X批复同意(的)《…》", "《…》经X批准".
- kgo:setsTask: in the plan's own outline, every heading under a 重点任务/主要任务 heading or,
  when there is none, under each top-level heading that is neither framework (总体要求,
  发展基础, 发展目标…) nor safeguards (保障措施, 组织实施…); a paragraph under a heading that
  opens with a short headline sentence ("推进传统优势产业升级。…") is a sub-task. Sub-tasks
  are kgo:partOf their parent task, and the plan sets tasks at every level. A report that
  announces "八大重点任务" of a plan and then runs that many headline paragraphs lists them.
- kgo:responsibleUnit: a "(责任单位:…)" list belongs to the innermost task around it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ...model import Term
from ...normalise import normalise_label
from ...slugs import slugify
from ..builder import RuleContext
from ..mentions import Mention
from ..outline import Outline, cn_number, lines, parse_outline
from .organisations import (
    PLACE_TYPES, OrganisationResolver, is_organisation, jurisdiction_of, known_organisation, split_units, unit_head,
)

FOAF_IS_PRIMARY_TOPIC_OF = "http://xmlns.com/foaf/0.1/isPrimaryTopicOf"
DCTERMS_ISSUED = "http://purl.org/dc/terms/issued"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"

PLAN_HEADS = ("规划纲要", "纲要", "规划", "实施方案", "方案", "行动计划", "计划")
POLICY_HEADS = ("实施意见", "指导意见", "意见", "实施办法", "管理办法", "办法", "条例", "规定", "决定",
                "实施细则", "细则", "若干措施", "措施", "政策")
_BOOK_TITLE = re.compile(r"《([^《》]{2,120})》")
_TRAILING_PERIOD = re.compile(r"\([^()]*\d{4}[^()]*\)$")  # 《…规划(2021—2025年)》
_SHORT_NAME = re.compile(r"^\(以下简称《([^《》]{1,20})》\)")
_ISSUE_VERB = re.compile(r"(?:印发|发布|出台|颁布|制定)(?:了)?(?:的)?$")
_APPROVE_VERB = re.compile(r"(?:批复同意|批准同意|审议通过|批复|批准|同意)(?:了)?(?:的)?$")
_APPROVED_AFTER = re.compile(r"^(?:已)?经")
_APPROVED_AFTER_VERB = re.compile(r"^(?:批复同意|批准同意|审议通过|批复|批准|同意)")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_UNIT_LIST = re.compile(r"(?:责任单位|牵头单位|责任部门|牵头部门|配合单位|参与单位)\s*:")
_UNIT_LIST_END = ")\n。"
_CN_NUM = "零〇一二两三四五六七八九十百"
_ANNOUNCED = re.compile(rf"([{_CN_NUM}\d]{{1,3}})(?:大|项|个)(?:重点|主要|核心)?任务")

TASK_SECTION = re.compile(r"(?:重点|主要|核心)(?:任务|工作)|任务(?:分工|安排)")
FRAMEWORK = re.compile(
    r"总体要求|指导思想|基本原则|发展原则|总体思路|发展基础|现实基础|面临形势|发展环境|发展背景|"
    r"发展目标|主要目标|总体目标|远景目标|发展定位|功能定位|战略定位|规划范围|编制依据|重要意义")
SAFEGUARD = re.compile(r"保障措施|保障机制|组织实施|实施保障|规划实施|实施机制|组织领导|组织保障|附则")
TOPIC_LABEL = "方面"  # "航空方面。" introduces a topic of its parent task, not a task of its own
MAX_TASK = 40
MAX_HEADLINE = 30
_HEADLINE_STOP = set(",，、:：;；()")


@dataclass(frozen=True)
class BookTitle:
    label: str  # whitespace removed, normalised
    start: int  # span including the marks
    end: int
    cls: str | None  # "Plan", "Policy", or None for a title that is no policy instrument


@dataclass(frozen=True)
class TaskSpan:
    iri: str
    start: int  # the text the task covers: its heading's scope or its paragraph
    end: int


def instrument_class(label: str) -> str | None:
    core = _TRAILING_PERIOD.sub("", label)
    if core.endswith(PLAN_HEADS) and len(core) > 4:
        return "Plan"
    if core.endswith(POLICY_HEADS) and len(core) > 4:
        return "Policy"
    return None


def book_titles(text: str) -> list[BookTitle]:
    """Every 《…》 title; a short name defined by 以下简称 stands for the title before it."""
    titles: list[BookTitle] = []
    short_names: dict[str, BookTitle] = {}
    for match in _BOOK_TITLE.finditer(text):
        label = re.sub(r"\s+", "", match.group(1))
        if label in short_names:
            full = short_names[label]
            titles.append(BookTitle(full.label, match.start(), match.end(), full.cls))
            continue
        title = BookTitle(label, match.start(), match.end(), instrument_class(label))
        titles.append(title)
        short = _SHORT_NAME.match(text, match.end())
        if short and title.cls:
            short_names[short.group(1)] = title
    return titles


def task_slug(label: str) -> str:
    """The heading part of task/{plan slug}/{heading slug}: the pinyin slug; a long one is cut and
    keeps a hash of the full heading."""
    full = slugify(label, max_length=10_000)
    if len(full) <= 80:
        return full
    return slugify(label, max_length=70) + "-" + hashlib.sha1(label.encode()).hexdigest()[:8]


def is_headline(sentence: str) -> bool:
    """A short sentence without inner punctuation that opens a paragraph: a task's name."""
    body = sentence.rstrip("。")
    return (2 <= len(body) <= MAX_HEADLINE and body != sentence and not _HEADLINE_STOP & set(body)
            and not body.endswith(TOPIC_LABEL))


def _first_sentence(text: str, start: int, end: int) -> tuple[int, int] | None:
    stop = text.find("。", start, end)
    return None if stop < 0 else (start, stop + 1)


def _date(year: str, month: str, day: str) -> str | None:
    y, m, d = int(year), int(month), int(day)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= m <= 12 and 1 <= d <= 31 else None


class PlanReader:
    """Reads one document's plans, issuers, approvals, tasks and responsible units."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.text = context.document.text
        self.titles = book_titles(self.text)
        self.plans: dict[str, str] = {}  # label -> IRI
        self.own_plan: str | None = None
        self.issuer_name: str | None = None

    # --- plans -------------------------------------------------------------------------
    def plan(self, title: BookTitle, rule: str = "book-title") -> str:
        if title.label in self.plans:
            return self.plans[title.label]
        kind = "plan" if title.cls == "Plan" else "policy"
        iri = self.context.new_entity(kind, title.cls or "Plan", title.label, (title.start, title.end), rule,
                                      slug=slugify(normalise_label(title.label)))
        name_span = (title.start + 1, title.end - 1) if self.text[title.start] == "《" else (title.start, title.end)
        self.context.relate(iri, "mentionedIn", Term.iri(self.context.doc_iri), name_span, rule)
        for mention in self._subjects_of(title):
            self.context.relate(iri, "concerns", mention, (title.start, title.end), "book-title:concerns")
        self.plans[title.label] = iri
        return iri

    def _subjects_of(self, title: BookTitle) -> list[Mention]:
        """What a title names as its subject: its zones, platforms, regions; places only failing those."""
        named = [m for m in self.context.mentions_between(title.start, title.end)
                 if not is_organisation(self.context, m)]
        specific = [m for m in named if not PLACE_TYPES & set(self.context.types_of(m))]
        return specific or named

    def read_plans(self) -> None:
        for title in self.titles:
            if title.cls:
                self.plan(title)
        self.own_plan = self._own_plan()

    def _own_plan(self) -> str | None:
        for title in self.titles:
            before = self.text[max(0, title.start - 4):title.start]
            after = re.sub(r"\s+", "", self.text[title.end:title.end + 8])
            transmitted = (before.endswith("现将") and after.startswith("印发")) or \
                (before.endswith("关于印发") and after.startswith("的通知"))
            if title.cls == "Plan" and transmitted:
                return self._link_own(self.plan(title), title.start, title.end)
        label = normalise_label(self.context.document.meta.title_zh or "").strip()
        if instrument_class(label) != "Plan":
            return None
        span = self._find_loosely(label)
        if span is None:
            return None
        return self._link_own(self.plan(BookTitle(label, span[0], span[1], "Plan"), "document-title"), *span)

    def _find_loosely(self, label: str) -> tuple[int, int] | None:
        """Where the label is written, line breaks and spaces allowed between its characters."""
        pattern = r"\s*".join(re.escape(ch) for ch in label if not ch.isspace())
        match = re.search(pattern, self.text) if pattern else None
        return (match.start(), match.end()) if match else None

    def _link_own(self, plan: str, start: int, end: int) -> str:
        self.context.add(plan, FOAF_IS_PRIMARY_TOPIC_OF, Term.iri(self.context.doc_iri),
                         self.context.evidence(start, end, "own-plan"))
        return plan

    # --- issuers and approvals -----------------------------------------------------------
    def read_issuers(self) -> None:
        resolver = OrganisationResolver(self.context)
        for title in self.titles:
            if not title.cls:
                continue
            plan = self.plan(title)
            before = self.text[max(0, title.start - 6):title.start]
            if before.endswith("关于印发"):
                self._notice_title_issuer(resolver, plan, title)
            elif _ISSUE_VERB.search(before):
                verb = _ISSUE_VERB.search(before)
                org = self._organisation_ending_at(title.start - (len(before) - verb.start()))
                if org is not None:
                    self.context.relate(plan, "issuedBy", org, (org.start, title.end), "issuer:X印发《》")
                    self._remember_issuer(plan, org.surface)
            if _APPROVE_VERB.search(before):
                verb = _APPROVE_VERB.search(before)
                org = self._organisation_ending_at(title.start - (len(before) - verb.start()))
                if org is not None:
                    self.context.relate(plan, "approvedBy", org, (org.start, title.end), "approval:X批复《》")
            after = self.text[title.end:title.end + 30]
            if _APPROVED_AFTER.match(after):
                org = next((m for m in self.context.mentions_between(title.end, title.end + 30)
                            if is_organisation(self.context, m)), None)
                if org is not None and _APPROVED_AFTER_VERB.match(self.text, org.end):
                    self.context.relate(plan, "approvedBy", org, (title.start, org.end + 2), "approval:《》经X批准")
        self._signatures(resolver)
        self._manifest_issuer(resolver)

    def _manifest_issuer(self, resolver: OrganisationResolver) -> None:
        """The issuer the manifest names, for an own plan the text did not sign, where the text names it."""
        issuer = self.context.document.meta.issuer
        if self.own_plan is None or not issuer:
            return
        issued_by = self.context.kgo("issuedBy")
        if any(f.subject == self.own_plan and f.predicate == issued_by for f in self.context.result.facts):
            return
        span = self._find_loosely(normalise_label(issuer))
        if span is None:
            return
        iri = resolver.resolve(issuer, span, "issuer:manifest")
        if iri is not None:
            self.context.relate(self.own_plan, "issuedBy", Term.iri(iri), span, "issuer:manifest")
            self._remember_issuer(self.own_plan, normalise_label(issuer))

    def _organisation_ending_at(self, position: int):
        return next((m for m in self.context.mentions if m.end == position and is_organisation(self.context, m)),
                    None)

    def _notice_title_issuer(self, resolver: OrganisationResolver, plan: str, title: BookTitle) -> None:
        """X关于印发《…》的通知: X is the text before 关于, back to the last sentence break."""
        end = title.start - len("关于印发")
        start = end
        while start > 0 and self.text[start - 1] not in "。!?;:" and end - start < 60:
            start -= 1
        found = self._issuer_in_lines(resolver, start, end, "issuer:X关于印发《》的通知")
        if found is not None:
            iri, name, span = found
            self.context.relate(plan, "issuedBy", Term.iri(iri), (span[0], title.end), "issuer:X关于印发《》的通知")
            self._remember_issuer(plan, name)

    def _issuer_in_lines(self, resolver: OrganisationResolver, start: int, end: int,
                         rule: str) -> tuple[str, str, tuple[int, int]] | None:
        """An issuer's name written on the last one to four lines of a span (names wrap)."""
        spans = lines(self.text, start, end)
        candidates = []
        for k in range(1, min(4, len(spans)) + 1):
            s = spans[-k][0]
            name = re.sub(r"\s+", "", self.text[s:end])
            candidates.append((name, (s, end)))
        for name, span in candidates:
            if known_organisation(self.context.lexicon, name):
                return resolver.resolve(name, span, rule), name, span
        for name, span in candidates:
            head = unit_head(name)
            if head is not None and not re.search(r"[\d〔〕()\[\]:,。]", name) and len(name) <= 30:
                iri = resolver.resolve(name, span, rule)
                if iri is not None:
                    return iri, name, span
        return None

    def _signatures(self, resolver: OrganisationResolver) -> None:
        """An issuer's name on the lines just above a date line signs the transmitted (or own) plan."""
        all_lines = lines(self.text, 0, len(self.text))
        for number, (start, end) in enumerate(all_lines):
            date_match = _DATE_LINE.match(self.text[start:end].strip())
            if not date_match or number == 0:
                continue
            block_start = number
            while block_start > 0 and number - block_start < 3:
                previous = self.text[slice(*all_lines[block_start - 1])]
                if len(previous) > 30 or any(p in previous for p in "。!?;:,"):
                    break
                block_start -= 1
            if block_start == number:
                continue
            plan = self._signed_plan(all_lines[block_start][0])
            if plan is None:
                continue
            found = self._issuer_in_lines(resolver, all_lines[block_start][0], all_lines[number - 1][1],
                                          "issuer:signature")
            if found is None:
                continue
            iri, name, span = found
            self.context.relate(plan, "issuedBy", Term.iri(iri), (span[0], end), "issuer:signature")
            self._remember_issuer(plan, name)
            date = _date(*date_match.groups())
            if date:
                self.context.add(plan, DCTERMS_ISSUED, Term(date, datatype=XSD_DATE),
                                 self.context.evidence(start, end, "issuer:signature"))

    def _signed_plan(self, block_start: int) -> str | None:
        """The plan a signature block signs: one transmitted just before it, else the own plan."""
        window = self.text[max(0, block_start - 300):block_start]
        for title in reversed(self.titles):
            if title.cls == "Plan" and title.end <= block_start and title.start >= block_start - 300 \
                    and "印发" in window:
                return self.plan(title)
        return self.own_plan

    def _remember_issuer(self, plan: str | None, name: str) -> None:
        """The own plan's issuer: its jurisdiction expands 市…/县… in the plan's unit lists."""
        if plan is not None and plan == self.own_plan and self.issuer_name is None:
            self.issuer_name = name

    # --- tasks ---------------------------------------------------------------------------
    def read_tasks(self) -> list[TaskSpan]:
        tasks: list[TaskSpan] = []
        if self.own_plan is not None:
            tasks += self._outline_tasks(self.own_plan, parse_outline(self.text))
        tasks += self._announced_tasks()
        return tasks

    def _task(self, plan: str, label: str, span: tuple[int, int], region: tuple[int, int],
              parent: str | None, rule: str) -> TaskSpan:
        # a task belongs to its plan: two plans with the same heading set two different tasks
        plan_slug = plan.rsplit("/", 1)[-1]
        iri = self.context.new_entity("task", "Task", label, span, rule, slug=f"{plan_slug}/{task_slug(label)}")
        self.context.relate(iri, "mentionedIn", Term.iri(self.context.doc_iri), span, rule)
        self.context.relate(plan, "setsTask", Term.iri(iri), span, rule)
        if parent is not None and parent != iri:
            self.context.relate(iri, "partOf", Term.iri(parent), span, rule)
        return TaskSpan(iri, *region)

    def _outline_tasks(self, plan: str, outline: Outline) -> list[TaskSpan]:
        roots = self._task_roots(outline)
        in_tasks = {h.index for r in roots for h in [r, *outline.descendants(r.index)]}
        task_of: dict[int, str] = {}
        tasks: list[TaskSpan] = []
        for heading in outline.headings:
            if heading.index not in in_tasks:
                continue
            parent = heading.parent
            while parent is not None and parent not in task_of:
                parent = outline.headings[parent].parent
            parent_iri = task_of.get(parent) if parent is not None else None
            title = heading.title.strip().rstrip("。;")
            if (len(title) > MAX_TASK or title.endswith(TOPIC_LABEL) or FRAMEWORK.search(title)
                    or SAFEGUARD.search(title)):
                continue
            task = self._task(plan, title, (heading.title_start, heading.title_end), outline.scope(heading.index),
                              parent_iri, f"task:heading:{heading.style}")
            task_of[heading.index] = task.iri
            tasks.append(task)
            start, end = outline.own_text(heading.index)
            for line_start, line_end in lines(self.text, heading.line_end, end):
                sentence = _first_sentence(self.text, line_start, line_end)
                if sentence is None or sentence[1] >= line_end - 4:
                    continue
                lead = self.text[sentence[0]:sentence[1]]
                if is_headline(lead):
                    tasks.append(self._task(plan, lead.rstrip("。"), (sentence[0], sentence[1] - 1),
                                            (line_start, line_end), task.iri, "task:headline-paragraph"))
        return tasks

    def _task_roots(self, outline: Outline):
        sections = [h for h in outline.headings if TASK_SECTION.search(h.title) and len(h.title) <= 12]
        if sections:
            return [child for s in sections for child in outline.children(s.index)]

        def is_frame(title: str) -> bool:
            return bool(FRAMEWORK.search(title) or SAFEGUARD.search(title))

        roots = []
        for top in outline.top_level():
            children = outline.children(top.index)
            framed = sum(is_frame(c.title) for c in children)
            if is_frame(top.title) or (children and framed * 2 > len(children)):
                continue
            roots.append(top)
        return roots

    def _announced_tasks(self) -> list[TaskSpan]:
        """"…《X》…八大重点任务…" followed by that many headline paragraphs: X's tasks."""
        tasks: list[TaskSpan] = []
        all_lines = lines(self.text, 0, len(self.text))
        for sentence in self.context.document.sentences:
            match = _ANNOUNCED.search(sentence.text)
            count = cn_number(match.group(1)) if match else None
            if not count or count < 2:
                continue
            plans = [t for t in self.titles if t.cls == "Plan" and sentence.start <= t.start < sentence.end]
            plan = self.plan(plans[-1]) if plans else self.own_plan
            if plan is None:
                continue
            following = [span for span in all_lines if span[0] >= sentence.end]  # next paragraphs
            found = []
            for line_start, line_end in following:
                lead = _first_sentence(self.text, line_start, line_end)
                if lead is None or not is_headline(self.text[lead[0]:lead[1]]):
                    break
                found.append((lead, (line_start, line_end)))
                if len(found) == count:
                    break
            if len(found) < count:
                continue
            for (start, end), region in found:
                tasks.append(self._task(plan, self.text[start:end - 1], (start, end - 1), region, None,
                                        "task:announced-headlines"))
        return tasks

    # --- responsible units -----------------------------------------------------------------
    def read_responsible_units(self, tasks: list[TaskSpan]) -> None:
        if not tasks:
            return
        jurisdiction = jurisdiction_of(self.issuer_name) if self.issuer_name else None
        resolver = OrganisationResolver(self.context, jurisdiction)
        for match in _UNIT_LIST.finditer(self.text):
            around = [t for t in tasks if t.start <= match.start() < t.end]
            if not around:
                continue
            task = min(around, key=lambda t: t.end - t.start)
            end = match.end()
            while end < len(self.text) and self.text[end] not in _UNIT_LIST_END and self.text[end] != ";":
                end += 1
            for unit in split_units(self.context.lexicon, self.text, match.end(), end):
                org = resolver.resolve(unit.name, (unit.start, unit.end), "responsible-unit", unit.as_written)
                if org is not None:
                    self.context.relate(task.iri, "responsibleUnit", Term.iri(org), (unit.start, unit.end),
                                        "responsible-unit")


def plans_and_tasks(context: RuleContext) -> None:
    reader = PlanReader(context)
    reader.read_plans()
    reader.read_issuers()
    tasks = reader.read_tasks()
    reader.read_responsible_units(tasks)


RULES = [plans_and_tasks]
