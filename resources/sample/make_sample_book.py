"""Regenerate resources/sample/aesop-fables.epub (public-domain fables, Townsend 1867)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body, png  # noqa: E402

FABLES = {
    "The Wolf and the Lamb": [
        "Wolf, meeting with a Lamb astray from the fold, resolved not to lay violent hands on "
        "him, but to find some plea to justify to the Lamb the Wolf's right to eat him.",
        "He thus addressed him: \u201cSirrah, last year you grossly insulted me.\u201d "
        "\u201cIndeed,\u201d bleated the Lamb in a mournful tone of voice, \u201cI was not "
        "then born.\u201d Then said the Wolf, \u201cYou feed in my pasture.\u201d "
        "\u201cNo, good sir,\u201d replied the Lamb, \u201cI have not yet tasted grass.\u201d",
        "Again said the Wolf, \u201cYou drink of my well.\u201d \u201cNo,\u201d exclaimed "
        "the Lamb, \u201cI never yet drank water, for as yet my mother's milk is both food "
        "and drink to me.\u201d Upon which the Wolf seized him and ate him up, saying, "
        "\u201cWell! I won't remain supperless, even though you refute every one of my "
        "imputations.\u201d",
        "The tyrant will always find a pretext for his tyranny.",
    ],
    "The Town Mouse and the Country Mouse": [
        "A Country Mouse invited a Town Mouse, an intimate friend, to pay him a visit and "
        "partake of his country fare. As they were on the bare plough-lands, eating their "
        "wheat-stocks and roots pulled up from the hedge-row, the Town Mouse said to his "
        "friend, \u201cYou live here the life of the ants, while in my house is the horn of "
        "plenty. Come with me and you shall have an ample share of my dainties.\u201d",
        "The Country Mouse was easily persuaded, and returned to town with his friend. On "
        "his arrival, the Town Mouse placed before him bread, barley, beans, dried figs, "
        "honey, raisins, and, last of all, brought a dainty piece of cheese from a basket. "
        "But just as they began to eat, someone opened the door, and they both ran off "
        "squeaking to a narrow hole.",
        "The Country Mouse said, \u201cAlthough you provide such delicate dishes, I prefer my "
        "bare meal, which I can eat in peace, without fear.\u201d",
    ],
    "The Hare and the Tortoise": [
        "A Hare one day ridiculed the short feet and slow pace of the Tortoise, who replied, "
        "laughing: \u201cThough you be swift as the wind, I will beat you in a race.\u201d "
        "The Hare, believing her assertion to be simply impossible, assented to the proposal; "
        "and they agreed that the Fox should choose the course and fix the goal.",
        "On the day appointed for the race the two started together. The Tortoise never for "
        "a moment stopped, but went on with a slow but steady pace straight to the end of "
        "the course. The Hare, lying down by the wayside, fell fast asleep.",
        "At last waking up, and moving as fast as he could, he saw the Tortoise had reached "
        "the goal, and was comfortably dozing after her fatigue.",
        "Slow but steady wins the race.",
    ],
}


def main() -> None:
    docs = [Doc(f"fable{i}.xhtml", chapter_body(title, paras), toc_title=title)
            for i, (title, paras) in enumerate(FABLES.items(), start=1)]
    spec = EpubSpec(title="Three Fables of Aesop", author="Aesop", language="en",
                    date="1867-01-01", description="Three short fables from Aesop, in the "
                    "public-domain translation by George Fyler Townsend.", docs=docs,
                    cover_png=png(300, 450, (120, 40, 30)))
    out = Path(__file__).with_name("aesop-fables.epub")
    build_epub(spec, out)
    print(out)


if __name__ == "__main__":
    main()
