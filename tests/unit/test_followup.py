import pytest

from bot.followup import pick_option


@pytest.mark.parametrize(("text", "expected"), [
    ("2", 1), ("#3", 2), ("option 1", 0), ("the second one", 1), ("first", 0), ("last one", 2),
    ("第二个", 1), ("第一個", 0), ("二つ目です", 1), ("두 번째요", 1), ("второй", 1), ("el segundo", 1),
    ("o terceiro", 2), ("ikincisi", 1), ("le deuxième", 1), ("der erste", 0), ("الثاني", 1),
])
def test_choices_in_many_languages(text, expected):
    assert pick_option(text, 3) == expected


@pytest.mark.parametrize("text", ["4", "how do I withdraw 2 BTC to my wallet on the ERC20 network", "", "maybe"])
def test_not_a_choice(text):
    assert pick_option(text, 3) is None
