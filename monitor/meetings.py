"""Recognise reports of government and party meetings that were held, and extract them.

Official meeting reports share one shape whatever the body: a lead sentence names who
met, when, and the verb (``市委常委会今晚举行会议``), or a leader ``主持召开`` a meeting,
or the meeting itself is the subject (``中央经济工作会议…在北京举行``); later sentences
say who ``主持`` and who ``出席``. The tables in :mod:`monitor.meeting_rules` encode that
shape, not any story's words, so a new body, title or meeting word is one more entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING

from monitor import meeting_rules as rules
from monitor import meeting_topics
from monitor.dates import SHANGHAI
from monitor.meeting_dates import NOT_REPORTED, date_in
from monitor.model import Meeting

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import date

    from monitor.model import Article


@dataclass(frozen=True, slots=True)
class _Body:
    convener: str | None
    short: str
    end: int


_Found = tuple[str, tuple[str | None, ...]]  # kind, conveners (None: body unknown)


@dataclass(frozen=True, slots=True)
class _Trigger:
    start: int
    end: int
    build: Callable[[_Places], _Found | None]


class _Places:
    """Places the article names, read only as far as a convener needs."""

    def __init__(self, title: str, lead: str, locality: str | None) -> None:
        self._seen: list[tuple[str, str]] = []
        self._unread = _places_in(title, lead, locality)

    def full_name(self, stem: str | None, level: str) -> str | None:
        """Full name of ``stem`` (or of the article's place) at ``level``, if known."""
        if not stem:
            stem = next((found for found, at in self._seen if at == level), None)
        while not stem and (place := next(self._unread, None)):
            self._seen.append(place)
            stem = place[0] if place[1] == level else None
        if not stem:
            return None
        if stem in rules.PROVINCES:
            return rules.PROVINCES[stem][0]
        # 浦东新区 is already a 区: "浦东新区区" is no one's name.
        return stem if level == "区" and stem.endswith(rules.NEW_AREA) else stem + level


def _places_in(title: str, lead: str, locality: str | None) -> Iterator[tuple[str, str]]:
    # "X市委" anywhere names the body's place; a title or wire dateline places the story;
    # then the site's own place, before places the lead merely mentions: a Shanghai 市委常委会
    # may study a speech given "在重庆考察", but it is still Shanghai's committee.
    for text in (title, lead):
        for m in rules.PLACE_NEAR_BODY.finditer(text):
            before = rules.HAN_TAIL.search(text, max(0, m.start() - 6), m.start())
            if before and (stem := _stem(before[0])):
                yield stem, rules.PROVINCES.get(stem, ("", m[0]))[1]
    yield from _provinces(rules.PROVINCE_NAME.finditer(title))
    yield from _provinces(rules.DATELINE.finditer(lead), group=1)
    if locality:
        stem = re.sub(f"(?:{rules.LEVEL})$", "", locality)
        yield stem, rules.PROVINCES.get(stem, ("", "市"))[1]
    yield from _provinces(rules.PROVINCE_NAME.finditer(lead))


def _provinces(found: Iterator[re.Match[str]], group: int = 0) -> Iterator[tuple[str, str]]:
    for m in found:
        yield m[group], rules.PROVINCES[m[group]][1]


def classify(article: Article, *, locality: str | None = None) -> Meeting | None:
    """Return the meeting ``article`` reports as held, or None if it reports none.

    ``locality`` names the place of the site (e.g. "上海"); it is used only when the
    text leaves the place of a local body (市委, 市政府 …) unsaid.
    """
    # \d and \s are Unicode-aware, and int() reads full-width digits: no normalising.
    title = article.title
    lead = "\n".join((title, *article.paragraphs[: rules.LEAD_PARAGRAPHS]))
    published = article.published.astimezone(SHANGHAI).date() if article.published else None
    first = rules.SENTENCE_END.search(lead, len(title) + 1)
    named_until = first.end() if first else len(lead)
    ranked, named = [], False
    for trigger in _triggers(lead):
        sentence = _start(lead, trigger.start)
        # 当天 refers back only within its paragraph: the lead's lines are paragraphs.
        paragraph = lead.rfind("\n", 0, sentence) + 1
        rank, when = date_in(lead[sentence : trigger.end], published, lead[paragraph:sentence])
        if rank == NOT_REPORTED:  # announced, or recounted: not news of a held meeting
            continue
        named = named or trigger.start < named_until
        # A dated body sentence is the fullest account; titles abbreviate names.
        ranked.append(((rank, trigger.start > len(title), -trigger.start), when, trigger))
    if not named:
        return None
    places = _Places(title, lead[len(title) :], locality)
    for _, when, trigger in sorted(ranked, key=lambda item: item[0], reverse=True):
        if found := trigger.build(places):
            return _meeting(article, found, when)
    return None


def _meeting(article: Article, found: _Found, when: date | None) -> Meeting:
    kind, conveners = found
    body = article.text
    chair = _chair(body) or _chair(article.title)
    named = [name for name in conveners if name]
    convener = "、".join(named) if named and len(named) == len(conveners) else None
    topics = meeting_topics.topics(article.headings, article.paragraphs)
    return Meeting(kind, convener, when, chair, _attendees(body, chair), topics)


def _triggers(lead: str) -> Iterator[_Trigger]:
    """Candidate lead sentences, cheap to find; building one resolves names and places."""
    for verb in rules.VERB.finditer(lead):
        start, clause = _clause(lead, verb.start())
        after = rules.NOUN_AFTER.match(lead, verb.end()) if verb[0] in {"召开", "举行"} else None
        if after and rules.NOT_GOVERNMENT.search(after["noun"]):
            continue
        build: Callable[[_Places], _Found | None]
        if after and clause.endswith(rules.HOST_BEFORE):
            build = partial(_hosted, clause[: -len(rules.HOST_BEFORE)], after["noun"])
        elif after and (m := rules.SUBJECT_BEFORE.search(clause)):
            build = partial(_held_by, m["subj"], clause[m.end("subj") :], after["noun"])
        elif (m := rules.NOUN_BEFORE.search(clause)) and not lead.startswith(
            rules.NOT_SELF_HELD_AFTER, verb.end()
        ):
            if rules.NOT_GOVERNMENT.search(m["noun"]) or rules.NOT_HELD.search(
                clause[m.end("noun") :]
            ):
                continue
            build = partial(_kind, m["noun"], ())
        else:
            continue
        yield _Trigger(start, verb.end(), build)


def _clause(lead: str, verb: int) -> tuple[int, str]:
    """Start and text of the who-and-when clause before the verb at ``verb``."""
    start = _start(lead, verb, rules.CLAUSE_MARKS, rules.LONGEST_CLAUSE)
    clause = lead[start:verb]
    # "…全体会议，于7月15日至18日在北京举行": a clause of time and place alone has its
    # subject in the clause before; join them as if the comma were not there.
    if start and lead[start - 1] in "，," and rules.DETACHED_TIME.fullmatch(clause):
        subject = _start(lead, start - 1, rules.CLAUSE_MARKS, rules.LONGEST_CLAUSE)
        return subject, lead[subject : start - 1] + clause
    return start, clause


def _held_by(subject: str, tail: str, noun: str, places: _Places) -> _Found | None:
    bodies = [_body(part, places, whole=True) for part in rules.SUBJECT_SPLIT.split(subject)]
    if not all(bodies) or rules.NOT_GOVERNMENT.search(subject) or rules.NOT_HELD.search(tail):
        return None
    return _kind(noun, tuple(b for b in bodies if b is not None), places)


def _hosted(clause: str, noun: str, places: _Places) -> _Found | None:
    # 将/拟 may stand anywhere before the date ("李强将于12月10日上午主持召开").
    if rules.NOT_HELD.search(clause[-4:]) or rules.NOT_YET.search(clause):
        return None
    host = _split_person(_chair_pre(clause))
    by_title = _title_body(host[0], places) if host else None
    kind, conveners = _kind(noun, (), places, fallback=by_title)
    # The meeting was still held when no title names its body: report it, body unknown.
    return kind, conveners or (None,)


def _kind(
    noun: str, subject: tuple[_Body, ...], places: _Places, fallback: _Body | None = None
) -> _Found:
    """Kind as the report names it, with the body in front when the noun is bare."""
    noun = rules.ORDINAL.sub("", noun)
    own = _body(noun, places, whole=False)
    if own is not None:
        kind, bodies = own.short + noun[own.end :], subject or (own,)
    else:
        bodies = subject or ((fallback,) if fallback else ())
        if not bodies and noun.startswith("中央"):
            bodies = (_Body("中共中央", "中共中央", 0),)
        bare = bodies and rules.BARE_NOUN.fullmatch(noun)
        kind = (
            "".join(b.short for b in bodies) + noun
            if bare
            else rules.LEADING_PROVINCE.sub("", noun)
        )
    return kind, tuple(b.convener for b in bodies)


def _body(text: str, places: _Places, *, whole: bool) -> _Body | None:
    m = rules.BODY_RX.fullmatch(text) if whole else rules.BODY_RX.match(text)
    if m is None or m.lastgroup is None:
        return None
    branch = m.lastgroup[1:]
    _, convener, short = rules.BODIES[int(branch)]
    level, rest, suffix, raw_place = (
        m.group(index) or "" if (index := rules.BODY_RX.groupindex.get(field + branch)) else ""
        for field in ("lvl", "rest", "suffix", "place")
    )
    place = places.full_name(_stem(raw_place), level) if level else ""
    fields = {"text": m[0], "rest": rest, "suffix": suffix}
    name = None if place is None else convener.format(place=place, **fields)
    if name and name.endswith("自治区委"):
        name += "员会"
    return _Body(name, (short or convener).format(lvl=level, place="", **fields), m.end())


def _title_body(titles: str, places: _Places) -> _Body | None:
    """The body a host heads, read off his titles (市长 -> 市政府, 中共中央总书记 -> 中共中央).

    Titles run from the highest post down, so the first that heads a body wins; a
    deputy's post (市委副书记) counts only when no title heads one: a 市委副书记、市长
    convenes as mayor.
    """
    listed = titles.split("、")
    for deputy in (False, True):
        for title in listed:
            if (rules.DEPUTY.search(title) is not None) == deputy and (
                body := _headed_body(title, places)
            ):
                return body
    return None


def _headed_body(title: str, places: _Places) -> _Body | None:
    if re.search("总理$", title):
        return _body("国务院", places, whole=True)
    if m := re.search(r"([省市区县])长$", title):
        return _body(m[1] + "政府", places, whole=True)
    if m := re.fullmatch(r"(.+?)(?:副|总)?(?:书记|组长)", title):
        return _body(m[1], places, whole=True)
    return None


def _stem(text: str) -> str | None:
    m = rules.STEM.fullmatch(rules.ETHNIC.sub("", text))
    if m is None:
        return None
    # The 区 of 浦东新区 is part of the name, not a level word cut off the stem.
    core = m[1].removesuffix(rules.NEW_AREA)
    if m[1] not in rules.PROVINCES and rules.STEM_REJECT.search(core):
        return None
    return m[1]


def _start(
    text: str, pos: int, marks: str = "。！？!?\n", reach: int = rules.LONGEST_SENTENCE
) -> int:
    """Start of the sentence (or, with clause marks, the clause) that ``pos`` is in."""
    floor = max(0, pos - reach)
    # Just past the last mark: one backward regex scan rather than an rfind a mark.
    found = _after_last_mark(marks).match(text, floor, pos)
    return found.end() if found else floor


@cache
def _after_last_mark(marks: str) -> re.Pattern[str]:
    return re.compile(f".*[{re.escape(marks)}]", re.DOTALL)


def _chair_pre(clause: str) -> str:
    m = rules.CHAIR_CLAUSE.fullmatch(clause)
    return m["pre"] if m else clause


def _chair(text: str) -> str | None:
    if "主持" not in text:  # what CHAIR_VERB starts with; a substring test is ~10x cheaper
        return None
    for m in rules.CHAIR_VERB.finditer(text):
        clause = text[_start(text, m.start(), rules.CLAUSE_MARKS, rules.LONGEST_CLAUSE) : m.start()]
        if person := _split_person(_chair_pre(clause)):
            return person[1]
    return None


def _split_person(raw: str) -> tuple[str, str] | None:
    """(titles, name) of "市委书记、市长李强"-style text, or None if it names nobody."""
    if len(raw) > rules.LONGEST_TITLED_NAME:
        return None
    text = raw if raw.isalpha() else rules.ITEM_NOISE.sub("", raw)  # names alone are the norm
    if text.endswith(rules.TRAILERS):
        text = rules.TRAILER.sub("", text)
    titles, name = _split_at_title(text)
    # A "name" ending in a title is a title standing alone (国家主席, 国家副主席).
    if (
        name
        and rules.HAN_NAME.fullmatch(name)
        and not rules.NOT_A_NAME.search(name)
        and not (name[-2:] in rules.TITLE_WORDS or name[-3:] in rules.TITLE_WORDS)
    ):
        return titles, name
    return None


def _split_at_title(text: str) -> tuple[str, str]:
    """(titles, candidate name) of one list item; the name is "" when none stands out."""
    for size in (2, 3, 4):  # the shortest name after a title: 市长李长江 is 李长江
        head = text[:-size]
        if not head:
            return "", text if _surnamed(text) else ""
        if head[-2:] in rules.TITLE_WORDS or head[-3:] in rules.TITLE_WORDS:
            return head, text[-size:]
    for size in (2, 3):  # a title the table lacks (研究员李明): its ending, then a surname
        head, name = text[:-size], text[-size:]
        if len(head) >= rules.SHORTEST_TITLE and head[-1] in rules.TITLE_END and _surnamed(name):
            return head, name
    # "赵乐际委员长"
    size = 3 if text[-3:] in rules.TITLE_WORDS else 2 if text[-2:] in rules.TITLE_WORDS else 0
    return "", text[:-size] if size and _surnamed(text) else ""


def _surnamed(name: str) -> bool:
    return name[:1] in rules.SURNAMES or name[:2] in rules.COMPOUND


def _attendees(text: str, chair: str | None) -> tuple[str, ...]:
    if not any(word in text for word in rules.ATTEND_WORDS):  # cheaper than the regex scan
        return ()
    seen: dict[str, None] = {}
    for m in rules.ATTEND.finditer(text):
        if m[0].startswith("出席会议的"):
            stop = text.find("。", m.end())
            segment = text[m.end() : stop if stop >= 0 else len(text)]
        elif text.startswith(rules.ATTEND_NEXT.get(m[0], rules.ATTEND_NEXT["出席"]), m.end()) or (
            m.end() == len(text)
        ):
            segment = text[_start(text, m.start()) : m.start()]
        else:
            continue
        for item in rules.ITEM_SPLIT.split(segment):
            person = _split_person(item)
            if person and person[1] != chair:
                seen.setdefault(person[1])
    return tuple(seen)
