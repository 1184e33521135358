"""What a held meeting dealt with: its topics, for :func:`monitor.meetings.classify`.

A report with sub-headings gives its topics as those headings. One without them
still lists its agenda in a fixed shape: ``会议审议通过了《…》``, ``会议听取了…的汇报``,
``会议研究部署…`` — a verb of business, then its object up to the clause mark. Only
those sentences are read: ``会议指出/强调`` open arguments, not agenda items, and
``…出席会议`` lines name people.
"""

from __future__ import annotations

import re
from typing import Final

# Verbs of business, longest first so 审议通过 is not read as 审议 + "通过…".
_AGENDA_VERB: Final = (
    "审议并原则通过|讨论并原则通过|审议通过|原则通过|原则同意|传达学习|研究部署|"
    "听取|审议|研究|部署|讨论|通报|学习|决定"
)
# A sentence of the agenda: 会议 (还) + verb + 了? + object.
AGENDA_SENTENCE: Final = re.compile(rf"^会议(?:还|并|同时)?(?:{_AGENDA_VERB})")
# Later clauses of the same sentence continue the agenda when they open with a verb.
AGENDA_CLAUSE: Final = re.compile(rf"^(?:并|还|同时)?(?:{_AGENDA_VERB})了?")
CLAUSE_SPLIT: Final = re.compile("[，；;,]")
SENTENCE_SPLIT: Final = re.compile("[。！？!?\n]")
DOCUMENT_TITLE: Final = re.compile("《[^《》]{2,60}》")
# "市发展改革委关于X情况的汇报" is about X: who reported and "的汇报" add nothing.
REPORT_FRAME: Final = re.compile("^.{0,20}?关于|的?(?:汇报|报告|说明)$")
# Every report closes with this; it names no topic.
# Nor does a procedural step ("决定将草案提请…审议") or a list's preamble.
FILLER: Final = re.compile("^(?:其他|有关|相关)?事项$|^其他|^将|^的|如下[:：]?$")
# An object longer than this is an argument, not an agenda item; one character is a stub.
SHORTEST_TOPIC: Final = 2
LONGEST_TOPIC: Final = 40
MOST_TOPICS: Final = 8
# Headings that are really people, credits or body sentences that lost their 。.
NOT_A_HEADING: Final = re.compile(
    "(?:出席|列席|参加)(?:会议|座谈会)?$|^(?:记者|编辑|责编|来源|通讯员|摄影|图片|供图|文字)"
    "|(?:摄|供图)$|^会议(?:指出|强调|认为|要求|提出|明确)"
)


def topics(headings: tuple[str, ...], paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The article's headings if it has any worth the name, else its agenda sentences."""
    kept = tuple(heading for heading in headings if not NOT_A_HEADING.search(heading))
    return kept or agenda(paragraphs)


# Xinhua's lead names the agenda after the meeting: "…主持召开国务院常务会议，研究…，审议通过《…》".
LEAD_MEETING: Final = re.compile(r"(?:召开|举行|主持)[^，,。；]{0,30}会议[，,]")


def agenda(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """Objects of the lead's and the ``会议审议通过了…`` sentences, in order, without repeats."""
    found: dict[str, None] = {}
    lead = SENTENCE_SPLIT.split(paragraphs[0])[0] if paragraphs else ""
    if meeting := LEAD_MEETING.search(lead):
        found.update(dict.fromkeys(_items(lead[meeting.end() :])))
    for paragraph in paragraphs:
        for sentence in SENTENCE_SPLIT.split(paragraph):
            if AGENDA_SENTENCE.match(sentence):
                found.update(dict.fromkeys(_items(sentence[2:])))
    return tuple(found)[:MOST_TOPICS]


def _items(text: str) -> list[str]:
    """Agenda items of a sentence after its 会议: clause by clause while verbs lead."""
    items: list[str] = []
    for clause in CLAUSE_SPLIT.split(text):
        verb = AGENDA_CLAUSE.match(clause)
        if verb is None:
            break  # 要求…/认为…: the agenda part of the sentence is over
        item = clause[verb.end() :]
        titles = DOCUMENT_TITLE.findall(item)
        if titles:  # documents are cited by title; the title is the item
            items.extend(titles)
        elif (item := REPORT_FRAME.sub("", item)) and _is_topic(item):
            items.append(item)
    return items


def _is_topic(item: str) -> bool:
    return SHORTEST_TOPIC <= len(item) <= LONGEST_TOPIC and not FILLER.search(item)
