"""A book without a language in its metadata is still read in its own language."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from e2a_desktop.ebook import read_book
from e2a_desktop.ebook.language import book_language, detect_language
from tests.helpers.epub_builder import Doc, EpubSpec, build_epub, chapter_body

PARAGRAPHS = {
    "en": "The old keeper climbed the stairs slowly, one step after the other. Nobody had "
          "asked him to stay, and yet he stayed every evening until the lamp was lit. It was "
          "not that he loved the sea; he simply had nowhere else to be, and he knew it.",
    "fr": "Le vieux gardien montait l'escalier lentement, une marche après l'autre. Personne ne "
          "lui avait demandé de rester, et pourtant il restait chaque soir jusqu'à ce que la "
          "lampe soit allumée. Ce n'était pas qu'il aimait la mer ; il n'avait simplement "
          "nulle part où aller, et il le savait.",
    "de": "Der alte Wärter stieg langsam die Treppe hinauf, eine Stufe nach der anderen. "
          "Niemand hatte ihn gebeten zu bleiben, und doch blieb er jeden Abend, bis die Lampe "
          "brannte. Es war nicht so, dass er das Meer liebte; er hatte nur keinen anderen Ort, "
          "und das wusste er auch.",
    "es": "El viejo guardián subía la escalera despacio, un peldaño tras otro. Nadie le había "
          "pedido que se quedara, y sin embargo se quedaba cada noche hasta que la lámpara "
          "estaba encendida. No era que amara el mar; simplemente no tenía otro lugar adonde "
          "ir, y lo sabía muy bien.",
    "it": "Il vecchio guardiano saliva le scale lentamente, un gradino dopo l'altro. Nessuno "
          "gli aveva chiesto di restare, eppure restava ogni sera finché la lampada non era "
          "accesa. Non era che amasse il mare; semplicemente non aveva un altro posto dove "
          "andare, e lo sapeva bene.",
    "pt": "O velho guarda subia a escada devagar, um degrau depois do outro. Ninguém lhe tinha "
          "pedido que ficasse, e no entanto ele ficava todas as noites até que a lâmpada "
          "estivesse acesa. Não era que amasse o mar; simplesmente não tinha outro lugar para "
          "onde ir, e ele sabia disso muito bem.",
    "nl": "De oude wachter beklom langzaam de trap, de ene trede na de andere. Niemand had hem "
          "gevraagd te blijven, en toch bleef hij elke avond tot de lamp brandde. Het was niet "
          "dat hij van de zee hield; hij had gewoon geen andere plek om naartoe te gaan, en dat "
          "wist hij ook wel.",
    "sv": "Den gamle vaktaren gick långsamt uppför trappan, ett steg i taget. Ingen hade bett "
          "honom att stanna, och ändå stannade han varje kväll tills lampan var tänd. Det var "
          "inte så att han älskade havet; han hade bara ingen annanstans att ta vägen, och det "
          "visste han mycket väl.",
    "pl": "Stary dozorca wchodził powoli po schodach, stopień po stopniu. Nikt go nie prosił, "
          "żeby został, a jednak zostawał każdego wieczoru, dopóki lampa nie zapłonęła. Nie "
          "było tak, że kochał morze; po prostu nie miał dokąd pójść i dobrze o tym wiedział, "
          "ale nie mówił tego nikomu.",
    "fi": "Vanha vartija nousi portaita hitaasti, askel kerrallaan. Kukaan ei ollut pyytänyt "
          "häntä jäämään, mutta silti hän jäi joka ilta, kunnes lamppu oli sytytetty. Ei se "
          "ollut niin, että hän olisi rakastanut merta; hänellä ei vain ollut muuta paikkaa, "
          "ja hän tiesi sen kyllä itse.",
    "cs": "Starý strážce stoupal pomalu po schodech, jeden schod za druhým. Nikdo ho nežádal, "
          "aby zůstal, a přesto zůstával každý večer, dokud se lampa nerozsvítila. Nebylo to "
          "tak, že by miloval moře; jen neměl kam jít a věděl to, ale nikdy to nikomu "
          "neřekl, protože to nebylo potřeba.",
    "hu": "Az öreg őr lassan ment fel a lépcsőn, egyik fokról a másikra. Senki sem kérte, hogy "
          "maradjon, mégis minden este ott maradt, amíg a lámpa meg nem gyulladt. Nem az volt, "
          "hogy szerette a tengert; egyszerűen nem volt hová mennie, és ezt ő is nagyon jól "
          "tudta.",
    "tr": "Yaşlı bekçi merdivenleri yavaşça çıkıyordu, bir basamak sonra bir başkası. Kimse "
          "ondan kalmasını istememişti, ama yine de her akşam lamba yanana kadar kalıyordu. "
          "Denizi sevdiği için değil; sadece gidecek başka bir yeri yoktu ve bunu çok iyi "
          "biliyordu, ama kimseye söylemedi.",
    "ru": "Старый смотритель медленно поднимался по лестнице, ступенька за ступенькой. Никто не "
          "просил его остаться, и всё же он оставался каждый вечер, пока не зажигали лампу. "
          "Не то чтобы он любил море; ему просто некуда было идти, и он это знал, но никому "
          "об этом не говорил.",
    "uk": "Старий доглядач повільно піднімався сходами, сходинка за сходинкою. Ніхто не просив "
          "його залишитися, і все ж він залишався щовечора, доки не запалювали лампу. Не те "
          "щоб він любив море; йому просто не було куди йти, і він це знав, але нікому про це "
          "не казав.",
    "el": "Ο γέρος φύλακας ανέβαινε αργά τη σκάλα, ένα σκαλί μετά το άλλο. Κανείς δεν του είχε "
          "ζητήσει να μείνει, κι όμως έμενε κάθε βράδυ μέχρι να ανάψει η λάμπα.",
    "ar": "كان الحارس العجوز يصعد الدرج ببطء، درجة بعد درجة. لم يطلب منه أحد أن يبقى، ومع ذلك "
          "كان يبقى كل مساء حتى تضاء المصباح.",
    "he": "השומר הזקן עלה במדרגות לאט, מדרגה אחר מדרגה. איש לא ביקש ממנו להישאר, ובכל זאת "
          "נשאר בכל ערב עד שהמנורה הודלקה.",
    "ja": "年老いた番人は、一段ずつゆっくりと階段を上っていった。誰も彼に残ってくれとは頼まなかった"
          "が、それでも彼は毎晩ランプが灯るまでそこにいた。",
    "zh": "老看守慢慢地爬上楼梯，一步接着一步。没有人要求他留下，可是他每天晚上都留在那里，直到灯"
          "被点亮为止。他并不是爱大海，只是无处可去。",
    "ko": "늙은 등대지기는 한 계단씩 천천히 계단을 올라갔다. 아무도 그에게 남아 달라고 부탁하지 "
          "않았지만, 그는 매일 저녁 등불이 켜질 때까지 그곳에 남았다.",
    "hi": "बूढ़ा रखवाला धीरे-धीरे सीढ़ियाँ चढ़ रहा था, एक के बाद एक। किसी ने उससे रुकने के लिए "
          "नहीं कहा था, फिर भी वह हर शाम दीया जलने तक वहीं रहता था। यह नहीं कि उसे समुद्र से "
          "प्यार था; बस उसके पास जाने के लिए और कोई जगह नहीं थी।",
    "da": "Den gamle vogter gik langsomt op ad trappen, et trin ad gangen. Ingen havde bedt "
          "ham om at blive, og alligevel blev han hver aften, indtil lampen var tændt. Det var "
          "ikke fordi han elskede havet; han havde bare ikke noget andet sted at gå hen, og det "
          "vidste han godt.",
    "no": "Den gamle vokteren gikk sakte opp trappen, ett trinn om gangen. Ingen hadde bedt ham "
          "om å bli, og likevel ble han hver kveld til lampen var tent. Det var ikke fordi han "
          "elsket havet; han hadde bare ikke noe annet sted å gå, og det visste han godt.",
    "ca": "El vell guardià pujava l'escala a poc a poc, un graó rere l'altre. Ningú no li havia "
          "demanat que es quedés, i tanmateix es quedava cada vespre fins que el llum era encès. "
          "No era que estimés el mar; simplement no tenia cap altre lloc on anar, i ho sabia "
          "molt bé.",
    "ro": "Bătrânul paznic urca încet scările, o treaptă după alta. Nimeni nu îi ceruse să "
          "rămână, și totuși rămânea în fiecare seară până când lampa era aprinsă. Nu era că "
          "iubea marea; pur și simplu nu avea unde să meargă, și știa asta foarte bine.",
    "vi": "Người gác già chậm rãi leo lên cầu thang, từng bậc một. Không ai yêu cầu ông ở lại, "
          "nhưng ông vẫn ở lại mỗi tối cho đến khi đèn được thắp sáng. Không phải vì ông yêu "
          "biển; chỉ là ông không có nơi nào khác để đi, và ông biết điều đó.",
    "id": "Penjaga tua itu menaiki tangga dengan perlahan, satu anak tangga demi satu. Tidak ada "
          "yang memintanya untuk tinggal, tetapi dia tetap tinggal setiap malam sampai lampu "
          "dinyalakan. Bukan karena dia mencintai laut; dia hanya tidak punya tempat lain untuk "
          "pergi, dan dia tahu itu.",
    "bg": "Старият пазач бавно се изкачваше по стълбите, стъпало след стъпало. Никой не го беше "
          "помолил да остане, но въпреки това той оставаше всяка вечер, докато лампата не се "
          "запали. Не че обичаше морето; просто нямаше къде другаде да отиде и го знаеше.",
    "sr": "Стари чувар се полако пењао уз степенице, степеник по степеник. Нико га није замолио "
          "да остане, али он је ипак остајао сваке вечери док се лампа не упали. Није да је "
          "волео море; једноставно није имао где друго да оде, и то је знао.",
    "fa": "نگهبان پیر به آرامی از پله‌ها بالا می‌رفت، یک پله پس از دیگری. هیچ‌کس از او نخواسته "
          "بود که بماند، اما او هر شب تا روشن شدن چراغ آنجا می‌ماند.",
}


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_a_paragraph_is_recognised_in_its_language(language: str) -> None:
    assert detect_language(PARAGRAPHS[language]) == language


@pytest.mark.parametrize("text", ["", "Chapter 1", "Le gardien.", "Der Wärter kam.",
                                  "12 345 678 — 9", "Старый"])
def test_too_little_text_is_not_guessed(text: str) -> None:
    assert detect_language(text) == ""


def test_text_two_languages_share_is_left_undecided_rather_than_guessed() -> None:
    shared = "Han var der, og hun var der ikke. Det er en god dag for dem, men de kan ikke " \
             "komme til byen i dag, for det er for sent og det er kaldt."  # Danish or Norwegian
    assert detect_language(shared) == ""
    mixed = " ".join([PARAGRAPHS["en"], PARAGRAPHS["fr"]])
    assert detect_language(mixed) == ""


def test_metadata_wins_over_the_text() -> None:
    assert book_language("de", [PARAGRAPHS["fr"]]) == ("de", False)
    assert book_language("", [PARAGRAPHS["fr"]]) == ("fr", True)
    assert book_language("", ["Chapter 1"]) == ("en", False)


def test_a_french_epub_without_dc_language_is_read_as_french(tmp_path: Path) -> None:
    spec = EpubSpec(title="Le Gardien", language="",
                    docs=[Doc("c1.xhtml", chapter_body("Premier", [PARAGRAPHS["fr"]] * 3),
                              "Premier")])
    book = read_book(build_epub(spec, tmp_path / "gardien.epub"))
    assert book.metadata.language == "fr"
    assert book.metadata.language_detected


def test_an_epub_that_names_its_language_keeps_it(tmp_path: Path) -> None:
    spec = EpubSpec(title="Der Wärter", language="de-AT",
                    docs=[Doc("c1.xhtml", chapter_body("Eins", [PARAGRAPHS["fr"]]), "Eins")])
    book = read_book(build_epub(spec, tmp_path / "w.epub"))
    assert (book.metadata.language, book.metadata.language_detected) == ("de-AT", False)


def test_a_german_text_without_a_language_header_is_read_as_german(tmp_path: Path) -> None:
    path = tmp_path / "waerter.txt"
    path.write_text(f"Title: Der Wärter\nAuthor: Niemand\n\n{PARAGRAPHS['de']}\n\n"
                    f"{PARAGRAPHS['de']}\n", encoding="utf-8")
    book = read_book(path)
    assert (book.metadata.language, book.metadata.language_detected) == ("de", True)


def test_a_text_with_a_language_header_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "waerter.txt"
    path.write_text(f"Title: Der Wärter\nLanguage: French\n\n{PARAGRAPHS['de']}\n",
                    encoding="utf-8")
    assert read_book(path).metadata.language == "fr"


def test_markdown_html_and_fb2_without_a_language_are_detected(tmp_path: Path) -> None:
    md = tmp_path / "libro.md"
    md.write_text(f"# Uno\n\n{PARAGRAPHS['es']}\n\n# Dos\n\n{PARAGRAPHS['es']}\n",
                  encoding="utf-8")
    html = tmp_path / "libro.html"
    html.write_text(f"<html><head><title>Il guardiano</title></head><body><h1>Uno</h1>"
                    f"<p>{PARAGRAPHS['it']}</p></body></html>", encoding="utf-8")
    fb2 = tmp_path / "kniga.fb2"
    fb2.write_text(
        '<?xml version="1.0" encoding="utf-8"?><FictionBook xmlns='
        '"http://www.gribuser.ru/xml/fictionbook/2.0"><description><title-info>'
        "<book-title>Смотритель</book-title></title-info></description><body><section>"
        f"<title><p>Один</p></title><p>{PARAGRAPHS['ru']}</p></section></body></FictionBook>",
        encoding="utf-8")
    assert read_book(md).metadata.language == "es"
    assert read_book(html).metadata.language == "it"
    assert read_book(fb2).metadata.language == "ru"


def test_detection_reads_a_bounded_sample_of_a_huge_book() -> None:
    chapters = [PARAGRAPHS["pt"]] * 25_000  # about 6.7 million characters
    started = time.perf_counter()
    assert book_language("", chapters) == ("pt", True)
    assert time.perf_counter() - started < 0.5
