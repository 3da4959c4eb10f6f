"""The planner's invariants: no text lost, order kept, no unit over the limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from e2a_desktop.ebook.model import Book, Chapter, Metadata
from e2a_desktop.plan import PlanSettings, plan_book
from e2a_desktop.speech import spoken_text

sentence = st.text(alphabet=st.sampled_from(list("abcdefghij KLMNOP,;'")), min_size=1,
                   max_size=400).map(lambda s: (s.strip() or "x") + ".")
paragraphs = st.lists(st.lists(sentence, min_size=1, max_size=8).map(" ".join), min_size=1,
                      max_size=6).map("\n\n".join)
books = st.lists(paragraphs, min_size=1, max_size=4).map(
    lambda texts: Book(Metadata("T"), [Chapter(f"C{i}", t) for i, t in enumerate(texts)]))
sizes = st.integers(min_value=40, max_value=2000).flatmap(
    lambda t: st.tuples(st.just(t), st.integers(min_value=t, max_value=t * 2)))


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(books, sizes)
def test_units_cover_every_chapter_exactly_in_order(book: Book, size: tuple[int, int]) -> None:
    plan = PlanSettings(target_chars=size[0], max_chars=size[1], min_tail_chars=size[0] // 4)
    units = plan_book(book, plan)
    for index, chapter in enumerate(book.chapters):
        mine = [u for u in units if u.chapter == index]
        assert [u.seq for u in mine] == list(range(len(mine)))
        # Units carry the text as said (the front end's own tests check it loses nothing).
        assert _squash("".join(u.text for u in mine)) == _squash(spoken_text(chapter.text, "en"))
    assert all(len(u.text) <= plan.max_chars for u in units)
    assert [u.chapter for u in units] == sorted(u.chapter for u in units)


def test_paragraph_starts_are_marked_for_longer_pauses() -> None:
    book = Book(Metadata("T"), [Chapter("C", "One. Two.\n\nThree.")])
    (unit,) = plan_book(book)
    assert unit.sentences == ("One.", "Two.", "Three.")
    assert unit.breaks == (True, False, True)
    assert unit.text == "One. Two.\n\nThree."


def test_a_tiny_last_unit_is_folded_into_the_previous_one() -> None:
    text = " ".join(["A fairly ordinary sentence of moderate length."] * 40) + " End."
    book = Book(Metadata("T"), [Chapter("C", text)])
    units = plan_book(book, PlanSettings(target_chars=1000, max_chars=3000))
    assert len(units[-1].text) > 300
