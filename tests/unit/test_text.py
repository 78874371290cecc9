import unicodedata

import pytest

from marketplace.text import fold, normalise, slugify


def test_fold_strips_vietnamese_diacritics_and_lowercases():
    assert fold("Mật ong") == "mat ong"


@pytest.mark.parametrize("text", ["Điện Biên", "ĐIỆN BIÊN", "điện biên"])
def test_fold_turns_every_spelling_of_dien_bien_into_the_same_key(text):
    assert fold(text) == "dien bien"


def test_fold_maps_d_with_stroke_to_plain_d_in_both_cases():
    assert fold("đĐ") == "dd"


def test_fold_collapses_and_trims_white_space():
    assert fold("  Trà \t cổ   thụ \n") == "tra co thu"


def test_fold_treats_decomposed_and_composed_text_alike():
    decomposed = unicodedata.normalize("NFD", "Gạo Séng cù")

    assert fold(decomposed) == fold("Gạo Séng cù") == "gao seng cu"


def test_slugify_makes_an_ascii_hyphenated_slug():
    assert slugify("Hợp tác xã Ong mật Điện Biên") == "hop-tac-xa-ong-mat-dien-bien"


def test_slugify_drops_punctuation_and_leading_or_trailing_separators():
    assert slugify("  Rượu táo mèo (MOUNTAIN QUEEN) 500ml!  ") == "ruou-tao-meo-mountain-queen-500ml"


def test_slugify_cuts_to_the_maximum_length_without_a_trailing_hyphen():
    slug = slugify("Mật ong hoa ban " * 20, max_length=20)

    assert slug == "mat-ong-hoa-ban-mat"
    assert len(slug) <= 20


def test_slugify_of_text_without_letters_or_digits_is_empty():
    assert slugify("★ — !") == ""


def test_normalise_stores_decomposed_input_composed_and_trimmed():
    assert normalise(" " + unicodedata.normalize("NFD", "Mật ong") + " ") == "Mật ong"
