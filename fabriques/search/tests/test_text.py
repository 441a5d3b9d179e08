"""The French word rules shared by both databases (no database needed)."""

from fabriques.search.text import excerpt, highlight, query_stems, query_words, stems


def test_accents_case_and_plurals_share_a_stem():
    assert stems("Santé SANTE sante") == ["sant", "sant", "sant"]
    assert stems("quartiers prioritaires") == stems("Quartier prioritaire")
    assert stems("mobilités") == stems("mobilité")
    assert stems("énergétiques") == stems("ENERGETIQUE")


def test_whole_words_keep_their_own_stem():
    assert stems("composante") == ["compos"]
    assert "sant" not in stems("composante décomposante")


def test_stop_words_and_separators_as_postgresql():
    # French stop words are dropped, after accents are folded (« été » is not, as in
    # PostgreSQL's fr_unaccent where unaccent runs before the stemmer's stop list).
    assert stems("l'eau de la ville") == ["eau", "vill"]
    assert stems("été") == ["ete"]
    assert stems("centre-bourg") == ["centr", "bourg"]
    assert stems("2030") == ["2030"]
    assert query_words("De la santé, de LA santé !") == ["sante"]


def test_highlight_marks_every_form_and_escapes():
    wanted = query_stems(query_words("quartier prioritaire"))
    assert str(highlight("Les <b>Quartiers</b> prioritaires & co", wanted)) == (
        "Les &lt;b&gt;<mark>Quartiers</mark>&lt;/b&gt; <mark>prioritaires</mark> &amp; co"
    )
    assert "<mark>" not in str(highlight("composante", query_stems(["sante"])))


def test_excerpt_is_a_window_around_the_first_match():
    text = " ".join(f"mot{i}" for i in range(50)) + " santé " + " ".join("fin" for _ in range(50))
    part = str(excerpt(text, query_stems(["sante"])))
    assert part.startswith("… mot38 ")
    assert "<mark>santé</mark>" in part
    assert part.endswith(" …")
    # Nothing matches in the body (a title match): its start is shown.
    assert str(excerpt("Un texte court.", query_stems(["sante"]))) == "Un texte court."
